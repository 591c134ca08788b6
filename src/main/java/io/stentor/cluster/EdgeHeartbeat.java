package io.stentor.cluster;

import io.stentor.media.MediaPlane;
import io.stentor.server.Json;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An edge's load report, published on the heartbeat subject every {@code cluster.heartbeat-interval}:
 * its listeners, process CPU and queued bytes, and where listeners reach it. A last report with
 * {@code leaving} on a clean shutdown takes it out of placement at once; a killed edge simply falls
 * silent and the origin drops it after {@code cluster.edge-timeout}. Thread-safe.
 */
final class EdgeHeartbeat implements AutoCloseable {

    private final NatsLink nats;
    private final ClusterSubjects subjects;
    private final MediaPlane media;
    private final String node;
    private final String url;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stentor-edge-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** The region this edge serves ("" = any). */
    private final String region;

    EdgeHeartbeat(NatsLink nats, ClusterSubjects subjects, MediaPlane media, String node, String url, String region,
            Duration every) {
        this.region = region;
        this.nats = nats;
        this.subjects = subjects;
        this.media = media;
        this.node = node;
        this.url = url;
        timer.scheduleAtFixedRate(() -> send(false), 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void send(boolean leaving) {
        if (!nats.connected()) {
            return; // nobody would hear it; the origin's timeout says what silence means
        }
        EdgeLoad load = new EdgeLoad(node, url, media.allListeners(), Math.max(0, os.getProcessCpuLoad()),
                media.queuedBytes(), leaving, region);
        nats.publish(subjects.heartbeats(), Json.writeString(load).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        send(true);
    }
}
