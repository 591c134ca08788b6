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
 * node's file descriptors and memory while {@code http.header-read-timeout} runs out. At the cap,
 * a new connection takes the place of the oldest pending one, which is closed: a real client sends
 * its head at once, so the oldest pending connections are the slow ones, and a slowloris flood cannot
 * keep newcomers out however many sockets it opens. A lone connection (the only one pending from its
 * address) is passed over for its first two seconds plus twice the event loops' current lag: on a
 * busy node its head may simply not have been read yet. Networks in {@code guard.exempt} are
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
    /** Newcomers turned away because nobody pending could be evicted (should stay 0 in a slowloris flood). */
    private final Counter full;
    /** Gates in arrival order; finished ones are skipped and swept out now and then. */
    private final java.util.Queue<Gate> line = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger lineLength = new AtomicInteger();
    /** Pending connections per client address (to tell a slowloris farm from a lone slow client). */
    private final java.util.Map<InetAddress, AtomicInteger> byAddress = new java.util.concurrent.ConcurrentHashMap<>();

    /** A lone pending connection is evicted only after this long (plus twice the event-loop lag). */
    static final long GRACE_NANOS = 2_000_000_000L;
    /** How late the event loops run now (from the load monitor); a lagging node reads heads late. */
    private final java.util.function.LongSupplier lagNanos;

    public PendingHandshakes(StentorConfig.Guard cfg, MeterRegistry registry, java.util.function.LongSupplier lagNanos) {
        this.lagNanos = lagNanos;
        this.max = cfg.maxPendingHandshakes();
        this.exempt = new Exemptions(cfg.exempt());
        this.refused = Counter.builder("stentor.guard.refused").tag("action", "pending_handshakes")
                .description("Requests refused by rate limits").register(registry);
        this.full = Counter.builder("stentor.guard.refused").tag("action", "pending_handshakes_full")
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

    /**
     * Closes the oldest pending connection that looks like part of a slow-headers attack: one from
     * an address holding several pending connections, or one pending for over {@link #GRACE_NANOS}
     * plus twice the event-loop lag.
     * A lone connection that is merely waiting its turn on a busy node is passed over. Returns false
     * when there is nobody to evict (the newcomer is then refused).
     */
    private boolean evictOldest() {
        long now = System.nanoTime();
        long grace = GRACE_NANOS + 2 * Math.max(0, lagNanos.getAsLong());
        // Bounded work per connection: at most 64 pending ones passed over. Finished entries cost
        // nothing to drop (each was added once) and do not count, or a line full of quick requests
        // that have completed would hide the slow heads behind them. (Not bounded by lineLength: that
        // is an estimate for sweeping, and an estimate that ran low once refused every newcomer.)
        for (int passed = 0; passed < 64;) {
            Gate g = line.poll();
            if (g == null) {
                return false;
            }
            if (!g.holding) {
                lineLength.decrementAndGet();
                continue;
            }
            AtomicInteger fromThere = byAddress.get(g.address);
            boolean crowd = fromThere != null && fromThere.get() > 1;
            if ((crowd || now - g.since > grace) && g.release()) {
                // Its slot is free now, not when its loop gets round to closing it: otherwise, on a busy
                // node, every arrival in the meantime would evict another until only newcomers were left.
                lineLength.decrementAndGet();
                refused.increment();
                g.channel.close();
                return true;
            }
            if (!g.holding) {
                lineLength.decrementAndGet(); // its head arrived meanwhile
                continue;
            }
            line.add(g); // its turn comes later
            passed++;
        }
        return false;
    }

    /**
     * Drops finished gates from the line so that it stays about as long as the cap, and counts it
     * again: counting inside removeIf would count twice a gate that a concurrent poll took first.
     */
    private void sweep() {
        line.removeIf(g -> !g.holding);
        lineLength.set(line.size());
    }

    /** Holds one slot of the budget from connect until the first request head, or the close. Event-loop confined. */
    private final class Gate extends ChannelInboundHandlerAdapter {

        private volatile boolean holding;
        private static final java.lang.invoke.VarHandle HOLDING;

        static {
            try {
                HOLDING = java.lang.invoke.MethodHandles.lookup().findVarHandle(Gate.class, "holding", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        private io.netty.channel.Channel channel;
        private InetAddress address;
        private long since;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetAddress a = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            if (!exempt.contains(a)) {
                if (pending.incrementAndGet() > max && !evictOldest()) {
                    pending.decrementAndGet();
                    full.increment();
                    ctx.close();
                    return;
                }
                channel = ctx.channel();
                address = a;
                since = System.nanoTime();
                holding = true; // last: other loops that see it see the fields above
                // Counted inside compute (atomic per address, like the decrement in release): incrementing a
                // counter fetched outside it could hit one a concurrent release has just dropped from the
                // map, and a flooding address would then look lone — too young to evict.
                byAddress.compute(a, (k, n) -> {
                    if (n == null) {
                        return new AtomicInteger(1);
                    }
                    n.incrementAndGet();
                    return n;
                });
                line.add(this);
                if (lineLength.incrementAndGet() > 2 * max) {
                    sweep();
                }
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

        // Called when the head arrives (we remove ourselves) and when the channel closes.
        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        /** Gives the slot back, exactly once, whoever asks first (this loop, or an evicting one); true if this call did. */
        boolean release() {
            if (!HOLDING.compareAndSet(this, true, false)) {
                return false;
            }
            pending.decrementAndGet();
            byAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            return true;
        }
    }
}
