package io.stentor.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** An edge's counts of relayed frames: received, malformed, gaps (and the frames they lost), stream restarts. */
final class RelayCounters {

    final Counter received;
    final Counter malformed;
    final Counter gaps;
    final Counter missing;
    final Counter restarts;

    RelayCounters(MeterRegistry registry) {
        received = Counter.builder("stentor.cluster.frames").tag("outcome", "received").register(registry);
        malformed = Counter.builder("stentor.cluster.frames").tag("outcome", "malformed").register(registry);
        gaps = Counter.builder("stentor.cluster.frames.gaps")
                .description("Jumps in a relayed space's frame sequence seen by this edge").register(registry);
        missing = Counter.builder("stentor.cluster.frames.missing")
                .description("Frames lost in those jumps (never reached this edge)").register(registry);
        restarts = Counter.builder("stentor.cluster.frames.restarts")
                .description("Relayed streams that started over (sequence went back: the origin restarted)").register(registry);
    }
}
