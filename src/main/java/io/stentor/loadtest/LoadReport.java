package io.stentor.loadtest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The result of a load test, as JSON ({@code --json FILE}) and as a human summary. Reports of
 * several client processes merge into one (the histograms travel encoded, so percentiles merge
 * exactly). A run against several servers (edges) carries one report per server in {@code targets}
 * and their sums in the top-level figures. Immutable.
 */
public record LoadReport(
        String target, String tier, int listeners, double arrivalPerSecond, double windowSeconds, int processes,
        int joined, int failed, int closedEarly, int starved,
        Percentiles joinMillis, Percentiles latencyMillis, Percentiles admitMillis, double admitSpanSeconds,
        int waitedInLine, int proofsSolved,
        long framesExpected, long framesLost, long framesLate, long worstListenerLost,
        double behindLiveSecondsMedian,
        double clientCpuCores, double serverCpuCores, long serverRssBytes, long serverRssGrowthBytes,
        long serverHeapGrowthBytes, List<String> sampleFailures, String joinHistogram, String latencyHistogram, String admitHistogram,
        List<LoadReport> targets, JoinSteps joinSteps) {

    public LoadReport {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /**
     * Where a join's time went: from when the listener was due to when the client got to open its
     * connection (the client's own lag: large means the load generator is saturated), and from then
     * to the server's answer (101, 200 or a refusal). The rest of the join is the wait for audio.
     */
    public record JoinSteps(Percentiles clientLagMillis, Percentiles answerMillis, String clientLagHistogram,
            String answerHistogram) {

        static JoinSteps of(Histogram clientLag, Histogram answer) {
            return new JoinSteps(Percentiles.of(clientLag), Percentiles.of(answer), encode(clientLag), encode(answer));
        }
    }

    /** Percentiles in milliseconds; null fields when there were no samples. */
    public record Percentiles(long count, Double p50, Double p99, Double p999, Double max) {
        public static Percentiles of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Percentiles(0, null, null, null, null);
            }
            return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return Math.round(micros / 100.0) / 10.0;
        }
    }

    /** Share of listeners that got less than 95% of real-time audio (or failed, or were cut off). */
    public double starvedRatio() {
        return listeners == 0 ? 0 : starved / (double) listeners;
    }

    /** Joins admitted per second, from the first arrival to the last admission (with {@code --join}). */
    public double admittedPerSecond() {
        return admitSpanSeconds <= 0 || admitMillis == null ? 0 : admitMillis.count() / admitSpanSeconds;
    }

    public double lostRatio() {
        return framesExpected == 0 ? 0 : framesLost / (double) framesExpected;
    }

    /** Server CPU as a share of one core per 1,000 listeners that held. */
    public Double serverCorePerThousand() {
        int held = listeners - starved;
        return serverCpuCores < 0 || held <= 0 ? null : serverCpuCores / held * 1000;
    }

    /** Growth of the server's resident memory during the run, per listener that joined. */
    public Double rssPerListenerBytes() {
        return serverRssGrowthBytes < 0 || joined == 0 ? null : (double) serverRssGrowthBytes / joined;
    }

    /**
     * Growth of the server's live heap (after a full collection, {@code --server-heap}) per listener
     * still connected when it was measured.
     */
    public Double heapPerListenerBytes() {
        int connected = joined - closedEarly;
        return serverHeapGrowthBytes < 0 || connected <= 0 ? null : (double) serverHeapGrowthBytes / connected;
    }

    static String encode(Histogram h) {
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), n));
    }

    static Histogram decode(String s) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad histogram in report", e);
        }
    }

    /** Combines the reports of several client processes that ran the same plan side by side. */
    public static LoadReport merge(List<LoadReport> parts) {
        // Only one process measured the servers (the others report -1); every process spent its own CPU.
        LoadReport total = combine(parts, parts.stream().mapToDouble(LoadReport::clientCpuCores).sum(),
                parts.stream().mapToDouble(LoadReport::serverCpuCores).max().orElse(-1),
                parts.stream().mapToLong(LoadReport::serverRssBytes).max().orElse(-1),
                parts.stream().mapToLong(LoadReport::serverRssGrowthBytes).max().orElse(-1),
                parts.stream().mapToLong(LoadReport::serverHeapGrowthBytes).max().orElse(-1), parts.size(), List.of());
        java.util.Map<String, List<LoadReport>> byTarget = new java.util.LinkedHashMap<>();
        parts.forEach(r -> r.targets().forEach(t -> byTarget.computeIfAbsent(t.target(), k -> new ArrayList<>()).add(t)));
        if (byTarget.isEmpty()) {
            return total;
        }
        List<LoadReport> targets = byTarget.values().stream().map(LoadReport::merge).toList();
        return combine(targets, total.clientCpuCores(), total.serverCpuCores(), total.serverRssBytes(),
                total.serverRssGrowthBytes(), total.serverHeapGrowthBytes(), parts.size(), targets);
    }

    /**
     * Sums the reports of one client process's listeners on several servers (edges): the servers'
     * figures add up; the client's CPU is the process's, measured once.
     */
    public static LoadReport acrossTargets(List<LoadReport> each, double clientCpuCores, double serverCpuCores,
            long serverRssBytes, long serverRssGrowthBytes, long serverHeapGrowthBytes) {
        return combine(each, clientCpuCores, serverCpuCores, serverRssBytes, serverRssGrowthBytes, serverHeapGrowthBytes, 1, each);
    }

    private static LoadReport combine(List<LoadReport> parts, double clientCpu, double serverCpu, long serverRss,
            long serverRssGrowth, long serverHeapGrowth, int processes, List<LoadReport> targets) {
        Histogram join = new Histogram(3_600_000_000L, 3);
        Histogram latency = new Histogram(3_600_000_000L, 3);
        Histogram admit = new Histogram(3_600_000_000L, 3);
        Histogram clientLag = new Histogram(3_600_000_000L, 3);
        Histogram answer = new Histogram(3_600_000_000L, 3);
        int listeners = 0, joined = 0, failed = 0, closed = 0, starved = 0, waited = 0, proofs = 0;
        long expected = 0, lost = 0, late = 0, worst = 0;
        double behind = 0, arrival = 0, admitSpan = 0;
        List<String> failures = new ArrayList<>();
        for (LoadReport r : parts) {
            join.add(decode(r.joinHistogram()));
            latency.add(decode(r.latencyHistogram()));
            admit.add(decode(r.admitHistogram()));
            if (r.joinSteps() != null) {
                clientLag.add(decode(r.joinSteps().clientLagHistogram()));
                answer.add(decode(r.joinSteps().answerHistogram()));
            }
            admitSpan = Math.max(admitSpan, r.admitSpanSeconds());
            waited += r.waitedInLine();
            proofs += r.proofsSolved();
            listeners += r.listeners();
            joined += r.joined();
            failed += r.failed();
            closed += r.closedEarly();
            starved += r.starved();
            expected += r.framesExpected();
            lost += r.framesLost();
            late += r.framesLate();
            worst = Math.max(worst, r.worstListenerLost());
            behind += r.behindLiveSecondsMedian() * r.listeners();
            arrival += r.arrivalPerSecond();
            r.sampleFailures().stream().limit(5 - Math.min(5, failures.size())).forEach(failures::add);
        }
        String target = targets.isEmpty() ? parts.get(0).target()
                : String.join(",", targets.stream().map(LoadReport::target).toList());
        return new LoadReport(target, parts.get(0).tier(), listeners, arrival, parts.get(0).windowSeconds(), processes,
                joined, failed, closed, starved, Percentiles.of(join), Percentiles.of(latency), Percentiles.of(admit),
                admitSpan, waited, proofs, expected, lost, late, worst,
                listeners == 0 ? 0 : behind / listeners, clientCpu, serverCpu, serverRss, serverRssGrowth, serverHeapGrowth, failures,
                encode(join), encode(latency), encode(admit), targets, JoinSteps.of(clientLag, answer));
    }

    /** The human summary printed at the end of a run. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        for (LoadReport t : targets) {
            s.append(String.format(Locale.ROOT, "server     %s: %d joined, %d starved, join p99 %s, %s%s%n", t.target(),
                    t.joined(), t.starved(), t.joinMillis().p99() == null ? "-" : t.joinMillis().p99() + " ms",
                    !tier.equals("http") ? "latency p99 " + (t.latencyMillis().p99() == null ? "-" : t.latencyMillis().p99() + " ms")
                            : String.format(Locale.ROOT, "%.1f s behind", t.behindLiveSecondsMedian()),
                    t.serverCpuCores() < 0 ? "" : String.format(Locale.ROOT, ", CPU %.2f cores", t.serverCpuCores())));
        }
        s.append(String.format(Locale.ROOT, "target     %s (%s tier), %d client process%s%n",
                targets.isEmpty() ? target : targets.size() + " servers, figures below summed", tier, processes,
                processes == 1 ? "" : "es"));
        s.append(String.format(Locale.ROOT, "listeners  %d planned, %d joined, %d failed, %d cut off early%n",
                listeners, joined, failed, closedEarly));
        s.append(String.format(Locale.ROOT, "arrivals   %.0f/s (open model)%n", arrivalPerSecond));
        s.append(String.format(Locale.ROOT, "starved    %d (%.2f%%) got < 95%% of real-time audio in the %.0f s window%n",
                starved, starvedRatio() * 100, windowSeconds));
        if (admitMillis != null && admitMillis.count() > 0) {
            s.append(String.format(Locale.ROOT, "admitted   %s (POST /join answered \"admitted\"; %.0f/s from the first "
                    + "arrival to the last admission; %d waited in line, %d proofs of work)%n",
                    pct(admitMillis), admittedPerSecond(), waitedInLine, proofsSolved));
        }
        s.append(String.format(Locale.ROOT, "join       %s%n", pct(joinMillis)));
        if (joinSteps != null && joinSteps.answerMillis().count() > 0) {
            s.append(String.format(Locale.ROOT, "  opened   %s after it was due (%s)%n", pct(joinSteps.clientLagMillis()),
                    admitMillis != null && admitMillis.count() > 0 ? "the admission, then the load generator's own lag"
                            : "the load generator's own lag"));
            s.append(String.format(Locale.ROOT, "  answered %s after the connection was opened (the server's answer)%n",
                    pct(joinSteps.answerMillis())));
        }
        if (!tier.equals("http")) {
            s.append(String.format(Locale.ROOT, "latency    %s (%s)%n", pct(latencyMillis),
                    tier.equals("hls") ? "end of each part's audio to its arrival" : "capture to arrival"));
            s.append(String.format(Locale.ROOT, "frames     %d expected, %d lost (%.3f%%), %d out of order; worst listener lost %d%n",
                    framesExpected, framesLost, lostRatio() * 100, framesLate, worstListenerLost));
        } else {
            s.append(String.format(Locale.ROOT, "behind     %.1f s of audio burst on connect (median): how far behind live listeners start%n",
                    behindLiveSecondsMedian));
        }
        s.append(String.format(Locale.ROOT, "client     %.2f cores (load generator's own CPU)%n", clientCpuCores));
        if (serverCpuCores >= 0) {
            s.append(String.format(Locale.ROOT, "server%s %.2f cores, %.1f%% of a core per 1,000 listeners held, RSS %.0f MiB (grew %.1f KiB per listener)%n",
                    targets.isEmpty() ? "    " : "s   ", serverCpuCores, serverCorePerThousand() == null ? 0 : serverCorePerThousand() * 100,
                    serverRssBytes / 1048576.0, rssPerListenerBytes() == null ? 0 : rssPerListenerBytes() / 1024));
        }
        if (heapPerListenerBytes() != null) {
            s.append(String.format(Locale.ROOT, "heap       %.1f KiB of live server heap per connected listener (after a full GC, "
                    + "%.1f MiB for %d)%n", heapPerListenerBytes() / 1024, serverHeapGrowthBytes / 1048576.0, joined - closedEarly));
        }
        if (!sampleFailures.isEmpty()) {
            s.append("failures   ").append(String.join("; ", sampleFailures)).append('\n');
        }
        return s.toString();
    }

    private static String pct(Percentiles p) {
        if (p == null || p.count() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%d samples)",
                p.p50(), p.p99(), p.p999(), p.max(), p.count());
    }
}
