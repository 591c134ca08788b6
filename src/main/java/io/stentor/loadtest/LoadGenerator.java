package io.stentor.loadtest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Puts a crowd of listeners on a server and measures what each observes. Arrivals follow an open
 * model: listener i is due at {@code i / arrivalPerSecond} whatever happened to earlier ones, and
 * its join latency counts from when it was due, so a slow server cannot hide behind a slow client
 * (no coordinated omission). After the last arrival and a warm-up, a measurement window of
 * {@code hold} starts; then everyone disconnects. Bounded by construction: a fixed count and a
 * fixed duration. One run at a time per instance.
 */
public final class LoadGenerator {

    /** What to run. {@code target} is ws://…/listen (media WebSocket) or http://… (any Ogg stream, Icecast too). */
    public record Plan(URI target, int listeners, double arrivalPerSecond, Duration warmup, Duration hold,
            List<InetAddress> sources, long serverPid) {

        public boolean webSocket() {
            return target.getScheme().startsWith("ws");
        }
    }

    private final Plan plan;
    private final Measurements m = new Measurements();
    private final List<ListenerProbe> probes = new ArrayList<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    public LoadGenerator(Plan plan) {
        this.plan = plan;
    }

    /** Listeners that have received audio so far (for progress bars). */
    public int joinedSoFar() {
        int n = 0;
        synchronized (probes) {
            for (ListenerProbe p : probes) {
                if (p.firstByteNanos != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    public LoadReport run(IntConsumer progress) throws InterruptedException {
        try (ClientSockets sockets = new ClientSockets(plan.target(), plan.sources(), 15_000)) {
            double clientCpuStart = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
            long serverRssStart = plan.serverPid() > 0 ? ProcessStats.rssBytes(plan.serverPid()) : -1;
            long start = System.nanoTime();
            long lastArrival = start + (long) ((plan.listeners() - 1) / plan.arrivalPerSecond() * 1e9);
            m.windowStartNanos = lastArrival + plan.warmup().toNanos();
            m.windowEndNanos = m.windowStartNanos + plan.hold().toNanos();
            double serverCpuStart = -1;
            boolean windowOpened = false;
            for (int i = 0; i < plan.listeners(); i++) {
                long due = start + (long) (i / plan.arrivalPerSecond() * 1e9);
                waitUntil(due);
                ListenerProbe probe = new ListenerProbe(due);
                synchronized (probes) {
                    probes.add(probe);
                }
                connect(sockets, i, probe);
                if (i % 100 == 0) {
                    progress.accept(joinedSoFar());
                }
            }
            while (System.nanoTime() < m.windowEndNanos) {
                if (!windowOpened && System.nanoTime() >= m.windowStartNanos) {
                    windowOpened = true;
                    serverCpuStart = plan.serverPid() > 0 ? ProcessStats.cpuSeconds(plan.serverPid()) : -1;
                }
                progress.accept(joinedSoFar());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            if (!windowOpened) { // a zero-length warm-up
                serverCpuStart = plan.serverPid() > 0 ? ProcessStats.cpuSeconds(plan.serverPid()) : -1;
            }
            double windowSeconds = plan.hold().toNanos() / 1e9;
            double serverCores = serverCpuStart < 0 ? -1
                    : (ProcessStats.cpuSeconds(plan.serverPid()) - serverCpuStart) / windowSeconds;
            long serverRss = plan.serverPid() > 0 ? ProcessStats.rssBytes(plan.serverPid()) : -1;
            long serverRssGrowth = serverRss < 0 || serverRssStart < 0 ? -1 : Math.max(0, serverRss - serverRssStart);
            double clientCores = (ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - clientCpuStart)
                    / ((System.nanoTime() - start) / 1e9);
            for (Channel ch : channels) {
                ch.close();
            }
            sockets.close();
            return report(windowSeconds, clientCores, serverCores, serverRss, serverRssGrowth);
        }
    }

    private void connect(ClientSockets sockets, int i, ListenerProbe probe) {
        ChannelFuture f = sockets.connect(i, ch -> {
            if (plan.webSocket()) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                        new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(plan.target()).version(WebSocketVersion.V13)
                                .maxFramePayloadLength(65536).handleCloseFrames(false)
                                .handshakeTimeoutMillis(30_000).build()),
                        new WebSocketListener(probe, m));
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
            if (!plan.webSocket()) {
                URI t = plan.target();
                String path = (t.getRawPath() == null || t.getRawPath().isEmpty() ? "/" : t.getRawPath())
                        + (t.getRawQuery() == null ? "" : "?" + t.getRawQuery());
                DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
                get.headers().set(HttpHeaderNames.HOST, t.getHost() + ":" + ClientSockets.port(t));
                get.headers().set(HttpHeaderNames.USER_AGENT, "stentor-loadtest");
                f.channel().writeAndFlush(get);
            }
        });
    }

    private LoadReport report(double windowSeconds, double clientCores, double serverCores, long serverRss,
            long serverRssGrowth) {
        int joinedCount = 0, failed = 0, closed = 0, starved = 0;
        long expected = 0, lost = 0, late = 0, worst = 0;
        List<Double> behind = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ListenerProbe p : probes) {
            if (p.firstByteNanos != 0) {
                joinedCount++;
            }
            if (p.failed) {
                failed++;
            }
            if (p.closedEarly) {
                closed++;
            }
            if ((p.failed || p.closedEarly) && p.failure != null && failures.size() < 5) {
                failures.add(p.failure);
            }
            if (p.failed || p.closedEarly || p.audioSecondsInWindow(plan.webSocket()) < 0.95 * windowSeconds) {
                starved++;
            }
            if (plan.webSocket()) {
                long due = Math.round(windowSeconds * 50); // one frame per 20 ms
                expected += due;
                long missing = Math.max(0, due - p.framesInWindow);
                lost += missing;
                late += p.lateInWindow;
                worst = Math.max(worst, missing);
            } else if (p.firstByteNanos != 0) {
                behind.add(Math.max(0, p.audioInFirstSecond - 1.0));
            }
        }
        behind.sort(Double::compare);
        double median = behind.isEmpty() ? 0 : behind.get(behind.size() / 2);
        var join = Measurements.copy(m.joinMicros);
        var lat = Measurements.copy(m.latencyMicros);
        return new LoadReport(plan.target().toString(), plan.webSocket() ? "ws" : "http", plan.listeners(),
                plan.arrivalPerSecond(), windowSeconds, 1, joinedCount, failed, closed, starved,
                LoadReport.Percentiles.of(join), LoadReport.Percentiles.of(lat), expected, lost, late, worst, median,
                clientCores, serverCores, serverRss, serverRssGrowth, failures, LoadReport.encode(join), LoadReport.encode(lat));
    }

    private static void waitUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
