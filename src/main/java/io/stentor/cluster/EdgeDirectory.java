package io.stentor.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Message;
import io.stentor.guard.ListenerPlacement;
import io.stentor.server.Json;
import java.time.Duration;
import java.util.Optional;

/**
 * The origin's live view of its edges: their heartbeats into an {@link EdgeTable}, which places
 * each admitted listener on the least-loaded live edge. With no live edge, listeners stay on the
 * origin. Thread-safe.
 */
final class EdgeDirectory implements ListenerPlacement {

    private final EdgeTable table;

    EdgeDirectory(NatsLink nats, ClusterSubjects subjects, Duration timeout, MeterRegistry registry) {
        this.table = new EdgeTable(timeout.toNanos());
        nats.whenConnected(c -> c.createDispatcher(this::onHeartbeat).subscribe(subjects.heartbeats()));
        Gauge.builder("stentor.cluster.edges", table, t -> t.live(System.nanoTime()))
                .description("Edges whose heartbeat the origin heard within cluster.edge-timeout").register(registry);
    }

    private void onHeartbeat(Message msg) {
        try {
            table.report(Json.read(msg.getData(), EdgeLoad.class), System.nanoTime());
        } catch (RuntimeException malformed) {
            // not an edge of ours: ignored
        }
    }

    @Override
    public Optional<String> place(String region) {
        return table.place(System.nanoTime(), region);
    }
}
