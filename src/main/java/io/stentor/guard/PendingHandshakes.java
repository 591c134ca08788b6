package io.stentor.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.stentor.config.StentorConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps, node-wide, the connections that have connected but not yet delivered their first complete
 * request head ("pending handshakes"), so that thousands of slowloris sockets cannot hold the
 * node's file descriptors and memory while {@code http.header-read-timeout} runs out. A connection
 * over the cap is closed on connect, before a byte is read. Networks in {@code guard.exempt} are
 * neither counted nor refused, as with {@link ConnectionLimits}: local health checks and
 * operators still get in during a flood, and a reverse proxy buffers heads itself.
 *
 * <p>The budget is shared by all connections and thread-safe; each connection gets its own
 * {@link #gate()}, which sits right after the HTTP codec:
 * <pre>ConnectionLimits → codec → PendingHandshakes.gate() → HeaderReadTimeout → ...</pre>
 */
public final class PendingHandshakes {

    private final int max;
    private final Exemptions exempt;
    private final AtomicInteger pending = new AtomicInteger();
    private final Counter refused;

    public PendingHandshakes(StentorConfig.Guard cfg, MeterRegistry registry) {
        this.max = cfg.maxPendingHandshakes();
        this.exempt = new Exemptions(cfg.exempt());
        this.refused = Counter.builder("stentor.guard.refused").tag("action", "pending_handshakes")
                .description("Requests refused by rate limits").register(registry);
        Gauge.builder("stentor.guard.pending.handshakes", pending, AtomicInteger::get)
                .description("Connections whose first request head has not fully arrived yet").register(registry);
    }

    /** A new handler for one connection. */
    public ChannelHandler gate() {
        return new Gate();
    }

    /** Pending handshakes now (for tests and metrics). */
    public int pending() {
        return pending.get();
    }

    /** Holds one slot of the budget from connect until the first request head, or the close. Event-loop confined. */
    private final class Gate extends ChannelInboundHandlerAdapter {

        private boolean holding;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetAddress a = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            if (!exempt.contains(a)) {
                if (pending.incrementAndGet() > max) {
                    pending.decrementAndGet();
                    refused.increment();
                    ctx.close();
                    return;
                }
                holding = true;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                ctx.pipeline().remove(this); // releases the slot in handlerRemoved
            }
            ctx.fireChannelRead(msg);
        }

        // Called when the head arrives (we remove ourselves) and when the channel closes: release exactly once.
        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (holding) {
                holding = false;
                pending.decrementAndGet();
            }
        }
    }
}
