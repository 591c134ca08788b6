package io.stentor.flood;

import io.stentor.loadtest.LoadReport.Percentiles;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a flood saw, per kind of attack, as JSON ({@code --json FILE}) and as a human summary.
 * Immutable.
 */
public record FloodReport(String server, double ratePerSecond, long maxCountPerKind, int maxConnections,
        int sourceAddresses, double seconds, List<KindResult> kinds) {

    /**
     * One kind's outcome. {@code attempts} were due; {@code skipped} of them found the client at
     * {@code --connections}; the rest connected ({@code connectErrors} did not) and then were either
     * answered ({@code byStatus}, {@code byError} with the JSON {@code error} code of 4xx/5xx
     * bodies, {@code withRetryAfter}) or closed by the server without an answer: within a second
     * of connecting ({@code closedOnConnect}) or later ({@code closedByServer}). Latency runs from
     * when an attempt was due to its answer's head.
     */
    public record KindResult(String kind, long attempts, long skipped, long answered, Map<String, Long> byStatus,
            Map<String, Long> byError, long withRetryAfter, long closedOnConnect, long closedByServer,
            long connectErrors, Percentiles latencyMillis, List<String> sampleFailures) {

        public long status(int code) {
            return byStatus.getOrDefault(Integer.toString(code), 0L);
        }
    }

    public KindResult kind(FloodKind k) {
        return kinds.stream().filter(r -> r.kind().equals(k.label())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + k.label() + " in this report"));
    }

    /** The human summary printed at the end of a run. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "flood      %s for %.1f s, %.0f attempts/s per kind (open model), "
                + "at most %d per kind and %d sockets, from %d source address%s%n", server, seconds, ratePerSecond,
                maxCountPerKind, maxConnections, sourceAddresses, sourceAddresses == 1 ? "" : "es"));
        for (KindResult k : kinds) {
            s.append(String.format(Locale.ROOT, "%-16s %d attempts: %d answered, %d refused on connect, %d closed by "
                            + "server, %d connect errors, %d skipped (client at --connections)%n", k.kind(), k.attempts(),
                    k.answered(), k.closedOnConnect(), k.closedByServer(), k.connectErrors(), k.skipped()));
            if (!k.byStatus().isEmpty()) {
                s.append("  status   ").append(counts(k.byStatus()));
                if (k.withRetryAfter() > 0) {
                    s.append(String.format(Locale.ROOT, " (%d with Retry-After)", k.withRetryAfter()));
                }
                s.append('\n');
            }
            if (!k.byError().isEmpty()) {
                s.append("  errors   ").append(counts(k.byError())).append('\n');
            }
            Percentiles p = k.latencyMillis();
            if (p != null && p.count() > 0) {
                s.append(String.format(Locale.ROOT, "  latency  p50 %.1f ms, p99 %.1f ms, max %.1f ms (due to answer)%n",
                        p.p50(), p.p99(), p.max()));
            }
            if (!k.sampleFailures().isEmpty()) {
                s.append("  failures ").append(String.join("; ", k.sampleFailures())).append('\n');
            }
        }
        return s.toString();
    }

    private static String counts(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }
}
