package io.stentor.cluster;

/**
 * One edge's heartbeat, as JSON on the heartbeat subject: who it is, where listeners reach it,
 * how loaded it is (listeners on all tiers, process CPU 0..1, bytes queued to its listeners), and
 * whether it is leaving (a clean shutdown: drop it from placement at once).
 */
public record EdgeLoad(String node, String url, int listeners, double cpu, long queuedBytes, boolean leaving, String region) {
}
