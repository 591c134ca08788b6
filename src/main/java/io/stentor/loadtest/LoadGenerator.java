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
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
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

    /**
     * What to run. {@code targets} are ws://…/listen (media WebSocket) or http://… (any Ogg stream,
     * Icecast too), all of one kind; listener i listens to target {@code i % targets.size()}
     * (several edges of one cluster, round-robin). {@code serverPids}: local server processes whose
     * CPU and memory to report, in the order of the targets when there is one per target.
     */
    public record Plan(List<URI> targets, int listeners, double arrivalPerSecond, Duration warmup, Duration hold,
            List<InetAddress> sources, List<Long> serverPids) {

        public Plan {
            targets = List.copyOf(targets);
            serverPids = serverPids.stream().filter(p -> p > 0).toList();
            if (targets.isEmpty() || targets.stream().map(Plan::tierOf).distinct().count() > 1) {
                throw new IllegalArgumentException("give one or more targets, all WebSocket, all HLS or all HTTP streams");
            }
        }

        /** One target, at most one server PID (0 = none). */
        public Plan(URI target, int listeners, double arrivalPerSecond, Duration warmup, Duration hold,
                List<InetAddress> sources, long serverPid) {
            this(List.of(target), listeners, arrivalPerSecond, warmup, hold, sources, List.of(serverPid));
        }

        public boolean webSocket() {
            return tier().equals("ws");
        }

        /** {@code ws}, {@code hls} (an LL-HLS playlist, …/index.m3u8) or {@code http} (an Ogg stream). */
        public String tier() {
            return tierOf(targets.get(0));
        }

        private static String tierOf(URI t) {
            return t.getScheme().startsWith("ws") ? "ws" : t.getPath() != null && t.getPath().endsWith(".m3u8") ? "hls" : "http";
        }
    }

    private final Plan plan;
    /** One per target, so each server's figures stay apart; all share the same window. */
    private final Measurements[] m;
    private final List<ListenerProbe> probes = new ArrayList<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final List<HlsPlayer> players = new CopyOnWriteArrayList<>();
    private final List<HttpClient> hlsClients = new ArrayList<>();

    public LoadGenerator(Plan plan) {
        this.plan = plan;
        this.m = new Measurements[plan.targets().size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = new Measurements();
        }
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
        try (ClientSockets sockets = new ClientSockets(plan.targets().get(0), plan.sources(), 15_000)) {
            double clientCpuStart = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
            long[] rssStart = plan.serverPids().stream().mapToLong(ProcessStats::rssBytes).toArray();
            long start = System.nanoTime();
            long lastArrival = start + (long) ((plan.listeners() - 1) / plan.arrivalPerSecond() * 1e9);
            for (Measurements each : m) {
                each.windowStartNanos = lastArrival + plan.warmup().toNanos();
                each.windowEndNanos = each.windowStartNanos + plan.hold().toNanos();
            }
            double[] cpuStart = null;
            for (int i = 0; i < plan.listeners(); i++) {
                long due = start + (long) (i / plan.arrivalPerSecond() * 1e9);
                waitUntil(due);
                ListenerProbe probe = new ListenerProbe(due, i % m.length);
                synchronized (probes) {
                    probes.add(probe);
                }
                if (plan.tier().equals("hls")) {
                    play(i, probe);
                } else {
                    connect(sockets, i, probe);
                }
                if (i % 100 == 0) {
                    progress.accept(joinedSoFar());
                }
            }
            while (System.nanoTime() < m[0].windowEndNanos) {
                if (cpuStart == null && System.nanoTime() >= m[0].windowStartNanos) {
                    cpuStart = serverCpu();
                }
                progress.accept(joinedSoFar());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            if (cpuStart == null) { // a zero-length warm-up
                cpuStart = serverCpu();
            }
            double windowSeconds = plan.hold().toNanos() / 1e9;
            double[] cpuEnd = serverCpu();
            double[] cores = new double[cpuEnd.length];
            long[] rss = new long[cpuEnd.length];
            long[] growth = new long[cpuEnd.length];
            for (int i = 0; i < cores.length; i++) {
                cores[i] = cpuStart[i] < 0 || cpuEnd[i] < 0 ? -1 : (cpuEnd[i] - cpuStart[i]) / windowSeconds;
                rss[i] = ProcessStats.rssBytes(plan.serverPids().get(i));
                growth[i] = rss[i] < 0 || rssStart[i] < 0 ? -1 : Math.max(0, rss[i] - rssStart[i]);
            }
            double clientCores = (ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - clientCpuStart)
                    / ((System.nanoTime() - start) / 1e9);
            for (Channel ch : channels) {
                ch.close();
            }
            players.forEach(HlsPlayer::close);
            hlsClients.forEach(HttpClient::shutdownNow);
            sockets.close();
            if (m.length == 1) {
                return report(0, windowSeconds, clientCores, sum(cores), sum(rss), sum(growth));
            }
            // Each target's own server when there is one PID per target; the sum over all of them in the total.
            boolean onePidEach = cores.length == m.length;
            List<LoadReport> each = new ArrayList<>();
            for (int t = 0; t < m.length; t++) {
                each.add(report(t, windowSeconds, clientCores, onePidEach ? cores[t] : -1, onePidEach ? rss[t] : -1,
                        onePidEach ? growth[t] : -1));
            }
            return LoadReport.acrossTargets(each, clientCores, sum(cores), sum(rss), sum(growth));
        }
    }

    private double[] serverCpu() {
        return plan.serverPids().stream().mapToDouble(ProcessStats::cpuSeconds).toArray();
    }

    /** The sum of measured values (negative = not measured); -1 when none was measured. */
    private static double sum(double[] values) {
        double s = -1;
        for (double v : values) {
            s = v < 0 ? s : Math.max(0, s) + v;
        }
        return s;
    }

    private static long sum(long[] values) {
        long s = -1;
        for (long v : values) {
            s = v < 0 ? s : Math.max(0, s) + v;
        }
        return s;
    }

    /**
     * Starts HLS player number {@code i}: its parts count as 20 ms frames, its latency is the end of
     * each part's audio to its arrival. One HTTP client per source address (each keeps its own pool).
     */
    private void play(int i, ListenerProbe probe) {
        if (hlsClients.isEmpty()) {
            for (InetAddress source : plan.sources()) {
                HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(15));
                hlsClients.add((source.isAnyLocalAddress() ? b : b.localAddress(source)).build());
            }
        }
        URI target = plan.targets().get(probe.target);
        Measurements m = this.m[probe.target];
        String base = target.toString().substring(0, target.toString().lastIndexOf('/') + 1);
        // The probe is touched by this player's thread only while the test runs (read after it stops).
        players.add(new HlsPlayer(hlsClients.get(i % hlsClients.size()), base, new HlsPlayer.Observer() {
            @Override
            public void part(long arrivalNanos, double seconds, double latencyMillis) {
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

    private void connect(ClientSockets sockets, int i, ListenerProbe probe) {
        URI target = plan.targets().get(probe.target);
        Measurements m = this.m[probe.target];
        ChannelFuture f = sockets.connect(new InetSocketAddress(target.getHost(), ClientSockets.port(target)), i, ch -> {
            if (plan.webSocket()) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                        new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(target).version(WebSocketVersion.V13)
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

    /** The figures of the listeners of target {@code t}. */
    private LoadReport report(int t, double windowSeconds, double clientCores, double serverCores, long serverRss,
            long serverRssGrowth) {
        Measurements m = this.m[t];
        int joinedCount = 0, failed = 0, closed = 0, starved = 0;
        long expected = 0, lost = 0, late = 0, worst = 0;
        List<Double> behind = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int planned = 0;
        boolean framed = !plan.tier().equals("http"); // counted in 20 ms frames (HLS: 25 per part)
        // HLS audio comes a part (0.5 s) at a time: a window's edges may cut one part off.
        double slack = plan.tier().equals("hls") ? 0.5 : 0;
        for (ListenerProbe p : probes) {
            if (p.target != t) {
                continue;
            }
            planned++;
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
            if (p.failed || p.closedEarly || p.audioSecondsInWindow(framed) + slack < 0.95 * windowSeconds) {
                starved++;
            }
            if (framed) {
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
        return new LoadReport(plan.targets().get(t).toString(), plan.tier(), planned,
                plan.arrivalPerSecond() * planned / plan.listeners(), windowSeconds, 1, joinedCount, failed, closed, starved,
                LoadReport.Percentiles.of(join), LoadReport.Percentiles.of(lat), expected, lost, late, worst, median,
                clientCores, serverCores, serverRss, serverRssGrowth, failures, LoadReport.encode(join), LoadReport.encode(lat), List.of());
    }

    private static void waitUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
