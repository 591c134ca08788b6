package io.stentor.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client side of load tests and drills: one set of event loops (epoll when available) whose
 * connections are spread over several source addresses in 127.0.0.0/8, so one machine can open
 * far more connections to a loopback server than one address has ephemeral ports. Thread-safe;
 * {@link #close()} stops the loops and with them every connection.
 */
public final class ClientSockets implements AutoCloseable {

    private final EventLoopGroup loops;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final List<InetAddress> sources;

    public ClientSockets(URI target, List<InetAddress> sources, int connectTimeoutMillis) {
        boolean epoll = Epoll.isAvailable();
        this.loops = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(loops).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.SO_REUSEADDR, true);
        if (epoll) {
            // Pick the source port at connect time, not at bind time: binding to a source address
            // with port 0 makes the kernel search its whole port range on every connection.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        this.remote = new InetSocketAddress(target.getHost(), port(target));
        this.sources = List.copyOf(sources);
    }

    /** Opens connection number {@code n} (its source address is chosen by n) with the given pipeline. */
    public ChannelFuture connect(long n, Consumer<Channel> pipeline) {
        return connect(remote, n, pipeline);
    }

    /** Opens connection number {@code n} to another server than the one given at construction (several edges). */
    public ChannelFuture connect(InetSocketAddress remote, long n, Consumer<Channel> pipeline) {
        InetAddress source = sources.get((int) (n % sources.size()));
        return bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                pipeline.accept(ch);
            }
        }).connect(remote, new InetSocketAddress(source, 0));
    }

    /** Stops the event loops, closing whatever is still connected; waits at most a few seconds. */
    @Override
    public void close() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static int port(URI u) {
        if (u.getPort() > 0) {
            return u.getPort();
        }
        return u.getScheme().equals("https") || u.getScheme().equals("wss") ? 443 : 80;
    }

    /**
     * {@code count} addresses 127.0.0.2, 127.0.0.3, ... (from {@code offset}) for a loopback target
     * (more ephemeral ports); the default route otherwise.
     */
    public static List<InetAddress> sourceAddresses(URI target, int count, int offset) {
        try {
            List<InetAddress> out = new ArrayList<>();
            if (InetAddress.getByName(target.getHost()).isLoopbackAddress() && count > 0) {
                for (int i = 0; i < count; i++) {
                    out.add(InetAddress.getByName("127.0.0." + (2 + offset + i)));
                }
            } else {
                out.add(InetAddress.getByName("0.0.0.0"));
            }
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.getHost());
        }
    }

    /** Rejects anything but loopback, unless the caller explicitly allowed remote targets. */
    public static void checkTarget(URI target, boolean allowRemote) {
        if (target.getHost() == null) {
            throw new IllegalArgumentException("no host in " + target);
        }
        try {
            InetAddress a = InetAddress.getByName(target.getHost());
            if (!a.isLoopbackAddress() && !allowRemote) {
                throw new IllegalArgumentException("refusing to target " + target.getHost()
                        + ": only loopback (127.0.0.0/8) targets are allowed without --allow-remote");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.getHost());
        }
    }
}
