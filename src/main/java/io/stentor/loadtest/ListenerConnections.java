package io.stentor.loadtest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens the simulated listeners of one load test, each of its kind: a media WebSocket, an HTTP
 * stream (Ogg, Icecast) or an LL-HLS player, wired to its probe and to its server's measurements.
 * {@link #open} is called by the load generator's thread (or a join's completion); {@link #close}
 * ends them all.
 */
final class ListenerConnections implements AutoCloseable {

    private final ClientSockets sockets;
    private final List<InetAddress> sources;
    private final Queue<Channel> channels = new ConcurrentLinkedQueue<>();
    private final List<HlsPlayer> players = new CopyOnWriteArrayList<>();
    private final List<HttpClient> hlsClients = new ArrayList<>(); // guarded by this

    ListenerConnections(URI anyTarget, List<InetAddress> sources) {
        this.sockets = new ClientSockets(anyTarget, sources, 15_000);
        this.sources = sources;
    }

    /** Opens listener number {@code i} of tier {@code tier} ({@code ws}, {@code http} or {@code hls}) on {@code target}. */
    void open(int i, URI target, String tier, ListenerProbe probe, Measurements m) {
        probe.opening(m);
        switch (tier) {
            case "hls" -> play(i, target, probe, m);
            default -> connect(i, target, tier.equals("ws"), probe, m);
        }
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close();
        }
        players.forEach(HlsPlayer::close);
        synchronized (this) {
            hlsClients.forEach(HttpClient::shutdownNow);
        }
        sockets.close();
    }

    /**
     * Starts HLS player number {@code i}: its parts count as 20 ms frames, its latency is the end of
     * each part's audio to its arrival. One HTTP client per source address (each keeps its own pool).
     */
    private synchronized HttpClient hlsClient(int i) {
        if (hlsClients.isEmpty()) {
            for (InetAddress source : sources) {
                HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(15));
                hlsClients.add((source.isAnyLocalAddress() ? b : b.localAddress(source)).build());
            }
        }
        return hlsClients.get(i % hlsClients.size());
    }

    private void play(int i, URI target, ListenerProbe probe, Measurements m) {
        String base = target.toString().substring(0, target.toString().lastIndexOf('/') + 1);
        // The probe is touched by this player's thread only while the test runs (read after it stops).
        players.add(new HlsPlayer(hlsClient(i), base, new HlsPlayer.Observer() {
            @Override
            public void part(long arrivalNanos, double seconds, double latencyMillis) {
                if (!probe.joined) {
                    probe.answered(m);
                }
                probe.joined = true;
                probe.audioArrived(arrivalNanos, m);
                if (m.inWindow(arrivalNanos)) {
                    probe.framesInWindow += Math.round(seconds / 0.020);
                    if (latencyMillis >= 0) {
                        m.latencyMicros.recordValue(Math.min((long) (latencyMillis * 1000), 3_600_000_000L));
                    }
                }
            }

            @Override
            public void failed(String why) {
                if (probe.failure == null) {
                    probe.failure = why;
                }
            }
        }));
    }

    private void connect(int i, URI target, boolean webSocket, ListenerProbe probe, Measurements m) {
        ChannelFuture f = sockets.connect(new InetSocketAddress(target.getHost(), ClientSockets.port(target)), i, ch -> {
            if (webSocket) {
                WebSocketListener listener = new WebSocketListener(probe, m);
                ch.pipeline().addLast(new WebSocketUpgrade(target, probe, m, listener), listener);
            } else {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpStreamListener(probe, m));
            }
        });
        f.addListener(done -> {
            if (!done.isSuccess()) {
                probe.failed = true;
                probe.failure = "connect: " + done.cause().getMessage();
                return;
            }
            channels.add(f.channel());
            if (!webSocket) {
                URI t = target;
                String path = (t.getRawPath() == null || t.getRawPath().isEmpty() ? "/" : t.getRawPath())
                        + (t.getRawQuery() == null ? "" : "?" + t.getRawQuery());
                DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
                get.headers().set(HttpHeaderNames.HOST, t.getHost() + ":" + ClientSockets.port(t));
                get.headers().set(HttpHeaderNames.USER_AGENT, "stentor-loadtest");
                f.channel().writeAndFlush(get);
            }
        });
    }
}
