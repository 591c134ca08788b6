package io.stentor.flood;

import io.stentor.loadtest.ClientSockets;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What one flood does, checked against hard bounds when it is made so that no drill can run away:
 * each kind makes at most {@code count} attempts at {@code ratePerSecond} (open model), the run
 * stops after {@code duration}, and at most {@code connections} sockets are open at once.
 * Immutable.
 *
 * @param server   the server's base URL (http://host:port); loopback unless {@code allowRemote}
 * @param space    the space id the join-type kinds aim at (null when no such kind is asked for)
 * @param handle   the handle the login flood guesses passwords for; null for random handles
 */
public record FloodPlan(URI server, String space, List<FloodKind> kinds, double ratePerSecond, Duration duration,
        long count, int connections, List<InetAddress> sources, String handle, boolean allowRemote) {

    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    public static final long MAX_COUNT = 1_000_000;
    public static final double MAX_RATE = 20_000;
    /** File descriptors left to the rest of the process (the JVM's own, a server in the same process...). */
    static final int RESERVED_FILES = 256;

    public FloodPlan {
        kinds = List.copyOf(kinds);
        sources = List.copyOf(sources);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("give at least one --kind");
        }
        if (server == null || server.getHost() == null || !List.of("http", "https").contains(server.getScheme())) {
            throw new IllegalArgumentException("--server must be a URL like http://127.0.0.1:8080");
        }
        ClientSockets.checkTarget(server, allowRemote);
        if (space == null && kinds.stream().anyMatch(FloodKind::needsSpace)) {
            throw new IllegalArgumentException("--kind invalid-tickets and reconnect-storm need --space");
        }
        if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE)) {
            throw new IllegalArgumentException("--rate must be in (0, " + (long) MAX_RATE + "] attempts per second");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration must be in (0, " + MAX_DURATION.toSeconds() + "] s");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("--count must be 1.." + MAX_COUNT);
        }
        int maxConnections = maxConnections();
        if (connections < 1 || connections > maxConnections) {
            throw new IllegalArgumentException("--connections must be 1.." + maxConnections
                    + " (this process may open " + (maxConnections + RESERVED_FILES) + " files)");
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no source addresses");
        }
    }

    /** The most sockets this process may hold open: its file limit, less what the rest of it needs. */
    public static int maxConnections() {
        long limit = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : 4096;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - RESERVED_FILES));
    }

    /** host:port for the Host header. */
    String hostHeader() {
        return server.getHost() + ":" + ClientSockets.port(server);
    }
}
