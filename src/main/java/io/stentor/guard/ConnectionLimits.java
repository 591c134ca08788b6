package io.stentor.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.stentor.config.StentorConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps concurrent connections per client address and per client network. The first handler of
 * every connection: an address over its cap is closed on connect, before any buffer is allocated
 * or a byte is parsed. Shared by all connections; thread-safe.
 */
@ChannelHandler.Sharable
public final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    private final int perIp;
    private final int perSubnet;
    private final Exemptions exempt;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Counter refused;

    public ConnectionLimits(StentorConfig.Guard cfg, MeterRegistry registry) {
        this.perIp = cfg.connectionsPerIp();
        this.perSubnet = cfg.connectionsPerSubnet();
        this.exempt = new Exemptions(cfg.exempt());
        this.refused = Refusals.counter(registry, "connection");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress a = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!exempt.contains(a)) {
            String ip = "ip|" + ClientAddress.ip(a);
            String net = "net|" + ClientAddress.subnet(a);
            boolean over = open.merge(ip, 1, Integer::sum) > perIp | open.merge(net, 1, Integer::sum) > perSubnet;
            // Count first, release in channelInactive: every accepted connection is undone exactly once.
            ctx.channel().closeFuture().addListener(f -> {
                release(ip);
                release(net);
            });
            if (over) {
                refused.increment();
                ctx.close();
                return;
            }
        }
        ctx.fireChannelActive();
    }

    private void release(String key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections open now from this address (for tests and metrics). */
    public int openFrom(InetAddress a) {
        return open.getOrDefault("ip|" + ClientAddress.ip(a), 0);
    }
}
