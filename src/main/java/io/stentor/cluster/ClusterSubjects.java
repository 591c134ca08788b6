package io.stentor.cluster;

/**
 * The NATS subjects of one cluster, all under one prefix (setting {@code cluster.subject-prefix}),
 * so clusters sharing a NATS server never hear each other. Documented in docs/PROTOCOL.md.
 */
public record ClusterSubjects(String prefix) {

    /** A space's encoded frames, one message per 20 ms frame (see {@link RelayFrames}). */
    public String frames(String spaceId) {
        return prefix + ".space." + spaceId + ".frames";
    }

    /** A space's lifecycle events (JSON, see {@link RelayEvent}). */
    public String events(String spaceId) {
        return prefix + ".space." + spaceId + ".events";
    }

    /** Every space's lifecycle events: what an edge listens to. */
    public String allEvents() {
        return prefix + ".space.*.events";
    }

    /** The edges' load reports (JSON, see {@link EdgeLoad}). */
    public String heartbeats() {
        return prefix + ".edges.heartbeat";
    }
}
