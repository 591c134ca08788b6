package io.stentor.loadtest;

import io.stentor.config.StentorConfig;
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

    /**
     * What to run. {@code targets} are ws://…/listen (media WebSocket) or http://… (any Ogg stream,
     * Icecast too), all of one kind; listener i listens to target {@code i % targets.size()}
     * (several edges of one cluster, round-robin). {@code serverPids}: local server processes whose
     * CPU and memory to report, in the order of the targets when there is one per target;
     * {@code serverHeap}: also their live heap after a full collection, before and after the crowd
     * (see {@link ServerHeap}).
     */
    public record Plan(List<URI> targets, int listeners, double arrivalPerSecond, Duration warmup, Duration hold,
            List<InetAddress> sources, List<Long> serverPids, boolean joinFirst, boolean serverHeap) {

        public Plan {
            targets = List.copyOf(targets);
            serverPids = serverPids.stream().filter(p -> p > 0).toList();
            if (targets.isEmpty() || targets.stream().map(Plan::tierOf).distinct().count() > 1) {
                throw new IllegalArgumentException("give one or more targets, all WebSocket, all HLS or all HTTP streams");
            }
        }

        public Plan(List<URI> targets, int listeners, double arrivalPerSecond, Duration warmup, Duration hold,
                List<InetAddress> sources, List<Long> serverPids) {
            this(targets, listeners, arrivalPerSecond, warmup, hold, sources, serverPids, false, false);
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
    /**
     * The servers listened to, and one Measurements each (so each server's figures stay apart; all
     * share the same window). With {@link Plan#joinFirst} they are the servers the joins sent
     * listeners to, found as they come. Guarded by themselves (appended under {@code targets}).
     */
    private final List<URI> targets = new CopyOnWriteArrayList<>();
    private final List<Measurements> m = new CopyOnWriteArrayList<>();
    private final List<ListenerProbe> probes = new ArrayList<>();
    /** Set when the run is over: joins answered later open nothing. */
    private volatile boolean finished;
    private volatile long startNanos;

    public LoadGenerator(Plan plan) {
        this.plan = plan;
        if (!plan.joinFirst()) {
            for (URI t : plan.targets()) { // one row per target as given, even if two are the same
                targets.add(t);
                m.add(new Measurements());
            }
        }
    }

    /** The index of the server a join sent a listener to (scheme, host, port and path; the ticket aside), added if new. */
    private int targetIndex(URI listen) {
        URI server = URI.create(listen.getScheme() + "://" + listen.getRawAuthority() + listen.getRawPath());
        synchronized (targets) {
            int i = targets.indexOf(server);
            if (i >= 0) {
                return i;
            }
            Measurements each = new Measurements();
            if (!m.isEmpty()) {
                each.windowStartNanos = m.get(0).windowStartNanos;
                each.windowEndNanos = m.get(0).windowEndNanos;
            }
            m.add(each);
            targets.add(server);
            return targets.size() - 1;
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
        URI first = plan.targets().get(0);
        URI origin = URI.create((first.getScheme().startsWith("ws") ? "http" : first.getScheme()) + "://" + first.getRawAuthority());
        // Refused joins are counted on a row of their own, named after where they were asked.
        String joinRefused = plan.joinFirst() ? origin + "/api/v1/spaces/" + spaceOf(first) + "/join" : first.toString();
        try (ListenerConnections connections = new ListenerConnections(first, plan.sources());
             JoinClient joins = plan.joinFirst() ? new JoinClient(origin, spaceOf(first), plan.webSocket(), plan.sources()) : null) {
            double clientCpuStart = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
            long[] rssStart = plan.serverPids().stream().mapToLong(ProcessStats::rssBytes).toArray();
            long[] heapStart = serverHeap();
            long start = System.nanoTime();
            startNanos = start;
            long lastArrival = start + (long) ((plan.listeners() - 1) / plan.arrivalPerSecond() * 1e9);
            synchronized (targets) {
                if (m.isEmpty()) { // joins: the window's holder until the first server is known
                    m.add(new Measurements());
                    targets.add(URI.create(joinRefused));
                }
                for (Measurements each : m) {
                    each.windowStartNanos = lastArrival + plan.warmup().toNanos();
                    each.windowEndNanos = each.windowStartNanos + plan.hold().toNanos();
                }
            }
            double[] cpuStart = null;
            long cpuStartNanos = 0;
            for (int i = 0; i < plan.listeners(); i++) {
                long due = start + (long) (i / plan.arrivalPerSecond() * 1e9);
                waitUntil(due);
                ListenerProbe probe = new ListenerProbe(due, plan.joinFirst() ? 0 : i % plan.targets().size());
                synchronized (probes) {
                    probes.add(probe);
                }
                if (joins == null) {
                    connections.open(i, plan.targets().get(probe.target), plan.tier(), probe, m.get(probe.target));
                } else {
                    joinThenListen(joins, connections, i, probe);
                }
                if (i % 100 == 0) {
                    progress.accept(joinedSoFar());
                }
            }
            while (System.nanoTime() < m.get(0).windowEndNanos) {
                if (cpuStart == null && System.nanoTime() >= m.get(0).windowStartNanos) {
                    cpuStart = serverCpu();
                    cpuStartNanos = System.nanoTime();
                }
                progress.accept(joinedSoFar());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            if (cpuStart == null) { // a zero-length warm-up, or arrivals that fell behind (below)
                cpuStart = serverCpu();
                cpuStartNanos = System.nanoTime();
            }
            if (System.nanoTime() - cpuStartNanos < plan.hold().toNanos() / 2) {
                // The last arrival went out after the window had (mostly) passed: the client could not
                // keep to the schedule, so what follows understates the server. Say so, and keep
                // the server's CPU out of it.
                System.err.printf("stentor loadtest: arrivals fell behind schedule (the client is saturated); "
                        + "the measurement window was missed and the figures understate the server%n");
                cpuStart = null;
            }
            double windowSeconds = plan.hold().toNanos() / 1e9;
            double[] cpuEnd = serverCpu();
            double[] cores = new double[cpuEnd.length];
            long[] rss = new long[cpuEnd.length];
            long[] growth = new long[cpuEnd.length];
            for (int i = 0; i < cores.length; i++) {
                cores[i] = cpuStart == null || cpuStart[i] < 0 || cpuEnd[i] < 0 ? -1
                        : (cpuEnd[i] - cpuStart[i]) / ((System.nanoTime() - cpuStartNanos) / 1e9);
                rss[i] = ProcessStats.rssBytes(plan.serverPids().get(i));
                growth[i] = rss[i] < 0 || rssStart[i] < 0 ? -1 : Math.max(0, rss[i] - rssStart[i]);
            }
            double clientCores = (ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - clientCpuStart)
                    / ((System.nanoTime() - start) / 1e9);
            long[] heapEnd = serverHeap(); // the crowd still connected, the window over
            long[] heapGrowth = new long[heapEnd.length];
            for (int i = 0; i < heapEnd.length; i++) {
                heapGrowth[i] = heapEnd[i] < 0 || heapStart[i] < 0 ? -1 : heapEnd[i] - heapStart[i];
            }
            finished = true;
            connections.close();
            if (joins != null) {
                joins.close();
            }
            int servers = targets.size();
            if (servers == 1) {
                return report(0, windowSeconds, clientCores, sum(cores), sum(rss), sum(growth), sum(heapGrowth));
            }
            // Each target's own server when there is one PID per target; the sum over all of them in the total.
            boolean onePidEach = cores.length == servers && !plan.joinFirst();
            List<LoadReport> each = new ArrayList<>();
            for (int t = 0; t < servers; t++) {
                if (plan.joinFirst() && t == 0 && probes.stream().noneMatch(p -> p.target == 0)) {
                    continue; // no join was refused: no row for refusals
                }
                each.add(report(t, windowSeconds, clientCores, onePidEach ? cores[t] : -1, onePidEach ? rss[t] : -1,
                        onePidEach ? growth[t] : -1, onePidEach ? heapGrowth[t] : -1));
            }
            return LoadReport.acrossTargets(each, clientCores, sum(cores), sum(rss), sum(growth), sum(heapGrowth));
        }
    }

    /**
     * Joins through the origin's {@code POST /join} (waiting room and proof-of-work included), then
     * listens where the answer says; a refused join counts on the origin's row. Completions run on
     * the HTTP client's threads.
     */
    private void joinThenListen(JoinClient joins, ListenerConnections connections, int i, ListenerProbe probe) {
        joins.join(i).whenComplete((admitted, error) -> {
            if (finished) {
                return; // admitted after the run: it counts as a listener that never heard anything
            }
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                probe.failed = true;
                probe.failure = cause.getMessage();
                return;
            }
            int t = targetIndex(admitted.listen());
            Measurements each = m.get(t);
            long now = System.nanoTime();
            each.admitMicros.recordValue(Math.max(0, (now - probe.scheduledNanos) / 1000));
            each.lastAdmitNanos.accumulateAndGet(now, Math::max);
            probe.waits = admitted.waits();
            probe.proofs = admitted.proofs();
            probe.target = t;
            connections.open(i, admitted.listen(), plan.tier(), probe, each);
        });
    }

    /** The space id in a listen URL (…/spaces/ID/…). */
    private static String spaceOf(URI listen) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("/spaces/([^/]+)/").matcher(listen.getPath());
        if (!id.find()) {
            throw new IllegalArgumentException("no space id in " + listen);
        }
        return id.group(1);
    }

    /** Each server's live heap after a full collection, when asked for ({@link Plan#serverHeap}); else -1s. */
    private long[] serverHeap() {
        return plan.serverPids().stream().mapToLong(pid -> plan.serverHeap() ? ServerHeap.liveBytes(pid) : -1).toArray();
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

    /** The figures of the listeners of target {@code t}. */
    private LoadReport report(int t, double windowSeconds, double clientCores, double serverCores, long serverRss,
            long serverRssGrowth, long serverHeapGrowth) {
        Measurements m = this.m.get(t);
        int joinedCount = 0, failed = 0, closed = 0, starved = 0;
        long expected = 0, lost = 0, late = 0, worst = 0;
        List<Double> behind = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int planned = 0, waited = 0, proofs = 0;
        boolean framed = !plan.tier().equals("http"); // counted in 20 ms frames (HLS: 25 per part)
        // HLS audio comes a part (0.5 s) at a time: a window's edges may cut one part off.
        double slack = plan.tier().equals("hls") ? 0.5 : 0;
        for (ListenerProbe p : probes) {
            if (p.target != t) {
                continue;
            }
            planned++;
            waited += p.waits > 0 ? 1 : 0;
            proofs += p.proofs;
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
                if (plan.webSocket() && !p.failed && !p.closedEarly) {
                    // Frames that never came show as gaps in the sequence. A count short of what was due
                    // may only be the window's edges cutting a coalesced write (up to 25 frames) in two:
                    // that much (at most 5% of the window) is not counted as lost unless it was a gap.
                    missing = Math.max(p.gapsInWindow, missing - Math.min(StentorConfig.Media.MAX_FRAMES_PER_WRITE, due / 20));
                }
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
        var admit = Measurements.copy(m.admitMicros);
        return new LoadReport(targets.get(t).toString(), plan.tier(), planned,
                plan.arrivalPerSecond() * planned / plan.listeners(), windowSeconds, 1, joinedCount, failed, closed, starved,
                LoadReport.Percentiles.of(join), LoadReport.Percentiles.of(lat), LoadReport.Percentiles.of(admit),
                m.lastAdmitNanos.get() == 0 ? 0 : (m.lastAdmitNanos.get() - startNanos) / 1e9, waited, proofs,
                expected, lost, late, worst, median, clientCores, serverCores, serverRss, serverRssGrowth, serverHeapGrowth, failures,
                LoadReport.encode(join), LoadReport.encode(lat), LoadReport.encode(admit), List.of(),
                LoadReport.JoinSteps.of(Measurements.copy(m.clientLagMicros), Measurements.copy(m.answerMicros)));
    }

    private static void waitUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
