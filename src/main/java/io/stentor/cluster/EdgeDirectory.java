package io.stentor.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Message;
import io.stentor.guard.ListenerPlacement;
import io.stentor.server.Json;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The origin's live table of edges, from their heartbeats: an edge silent for
 * {@code cluster.edge-timeout} (or that said it is leaving) is dead. Places each admitted listener
 * on the least-loaded live edge — fewest listeners, counting those sent to it since its last
 * report, then lowest CPU — so a burst of joins between two heartbeats is spread, not piled on one
 * edge. With no live edge, listeners stay on the origin. Thread-safe.
 */
final class EdgeDirectory implements ListenerPlacement {

    /** What the origin knows of one edge. */
    private static final class Known {
        EdgeLoad load;
        long seenNanos;
        int placedSinceReport;
    }

    private final long timeoutNanos;
    private final Map<String, Known> edges = new HashMap<>(); // guarded by this

    EdgeDirectory(NatsLink nats, ClusterSubjects subjects, Duration timeout, MeterRegistry registry) {
        this.timeoutNanos = timeout.toNanos();
        nats.whenConnected(c -> c.createDispatcher(this::onHeartbeat).subscribe(subjects.heartbeats()));
        Gauge.builder("stentor.cluster.edges", this, EdgeDirectory::liveEdges)
                .description("Edges whose heartbeat the origin heard within cluster.edge-timeout").register(registry);
    }

    private void onHeartbeat(Message msg) {
        EdgeLoad load;
        try {
            load = Json.read(msg.getData(), EdgeLoad.class);
        } catch (RuntimeException bad) {
            return;
        }
        synchronized (this) {
            if (load.leaving()) {
                edges.remove(load.node());
                return;
            }
            Known k = edges.computeIfAbsent(load.node(), n -> new Known());
            k.load = load;
            k.seenNanos = System.nanoTime();
            k.placedSinceReport = 0;
        }
    }

    @Override
    public synchronized Optional<String> place() {
        long now = System.nanoTime();
        edges.values().removeIf(k -> now - k.seenNanos > timeoutNanos);
        Optional<Known> best = edges.values().stream()
                .min(Comparator.<Known>comparingInt(k -> k.load.listeners() + k.placedSinceReport)
                        .thenComparingDouble(k -> k.load.cpu()));
        best.ifPresent(k -> k.placedSinceReport++);
        return best.map(k -> k.load.url());
    }

    synchronized int liveEdges() {
        long now = System.nanoTime();
        return (int) edges.values().stream().filter(k -> now - k.seenNanos <= timeoutNanos).count();
    }
}
