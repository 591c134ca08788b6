package io.stentor.cluster;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The origin's table of edges and their last reported load; picks the least-loaded live one for
 * each new listener — among the edges of the listener's region and those serving every region
 * (no region of their own) when the listener names a region, else (or when none is live) among
 * all: fewest listeners, counting those sent to it since its last report (so a
 * burst of joins between two heartbeats is spread, not piled on one edge), then lowest CPU. An
 * edge not heard from for the timeout, or that said it is leaving, is out. Times are
 * System.nanoTime() values passed in, so the rules are tested without waiting. Thread-safe.
 */
final class EdgeTable {

    /** What the origin knows of one edge. */
    private static final class Known {
        EdgeLoad load;
        long seenNanos;
        int placedSinceReport;

        int expectedListeners() {
            return load.listeners() + placedSinceReport;
        }
    }

    private final long timeoutNanos;
    private final Map<String, Known> edges = new HashMap<>();

    EdgeTable(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    synchronized void report(EdgeLoad load, long nowNanos) {
        if (load.leaving()) {
            edges.remove(load.node());
            return;
        }
        Known k = edges.computeIfAbsent(load.node(), n -> new Known());
        k.load = load;
        k.seenNanos = nowNanos;
        k.placedSinceReport = 0;
    }

    /** The base URL of the edge a new listener goes to (counted as placed there), or empty when no edge is live. */
    synchronized Optional<String> place(long nowNanos, String region) {
        edges.values().removeIf(k -> nowNanos - k.seenNanos > timeoutNanos);
        Comparator<Known> load = Comparator.comparingInt(Known::expectedListeners).thenComparingDouble(k -> k.load.cpu());
        Optional<Known> best = region == null || region.isBlank() ? Optional.empty() : edges.values().stream()
                .filter(k -> k.load.region() == null || k.load.region().isEmpty() || k.load.region().equalsIgnoreCase(region))
                .min(load);
        if (best.isEmpty()) {
            best = edges.values().stream().min(load);
        }
        best.ifPresent(k -> k.placedSinceReport++);
        return best.map(k -> k.load.url());
    }

    synchronized int live(long nowNanos) {
        return (int) edges.values().stream().filter(k -> nowNanos - k.seenNanos <= timeoutNanos).count();
    }
}
