package io.stentor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.ClusterFixture;
import io.stentor.support.MediaClient;
import io.stentor.support.NatsServerProcess;
import io.stentor.support.NodeProcess;
import io.stentor.support.ReconnectingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * NATS goes away and comes back (a NATS server of the test's own, killed and restarted on the
 * same port): audio resumes on the edge without restarting any Stentor node, on the listener's
 * same connection, and the edge counts the frames it never got as a gap. Then the space's events
 * over NATS: a removed user's audio stops on the edge, and the end closes the edge's listeners.
 */
class NatsRestartIT {

    @Test
    void audioResumesOnTheEdgeAfterNatsRestartsAndSpaceEventsReachIt() throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        ReconnectingListener listener = null;
        try (NatsServerProcess nats = new NatsServerProcess(); ClusterFixture fx = new ClusterFixture(nats.url())) {
            NodeProcess origin = NodeProcess.start("origin", fx.node("origin", nats.url()));
            nodes.add(origin);
            origin.awaitUp(Duration.ofSeconds(60));
            NodeProcess edge = NodeProcess.start("edge", fx.node("edge", nats.url()));
            nodes.add(edge);
            edge.awaitUp(Duration.ofSeconds(60));
            Api host = origin.api().registerAndLogin("natshost");
            String space = host.post("/api/v1/spaces", Map.of("title", "Through a NATS restart")).json().at("/space/id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.api().metric("stentor_cluster_edges") == 1);

            try (MediaClient speaker = MediaClient.speakerAt(origin.baseUrl(), space, host.token()).sendTone(440)) {
                ReconnectingListener l = new ReconnectingListener(origin.api(), space);
                listener = l;
                await().atMost(Duration.ofSeconds(15)).until(() -> l.frames().size() > 50);
                assertThat(l.node()).isEqualTo(edge.baseUrl());

                nats.kill();
                Thread.sleep(2000);
                int heardDuringOutage = l.frames().size();
                Thread.sleep(1000);
                assertThat(l.frames().size()).as("frames while NATS is down").isEqualTo(heardDuringOutage);
                long restarted = System.nanoTime();
                nats.start();

                await().atMost(Duration.ofSeconds(15)).until(() -> l.frames().stream().anyMatch(f -> f.receivedNanos() > restarted));
                long resumed = l.frames().stream().filter(f -> f.receivedNanos() > restarted)
                        .mapToLong(ReconnectingListener.Frame::receivedNanos).min().orElseThrow();
                System.out.printf("nats restart: audio back on the edge %d ms after NATS was back; edge counted %.0f frames "
                        + "missing in %.0f gaps%n", TimeUnit.NANOSECONDS.toMillis(resumed - restarted),
                        edge.api().metric("stentor_cluster_frames_missing_total"),
                        edge.api().metric("stentor_cluster_frames_gaps_total"));
                assertThat(l.nodes()).as("the listener's connection was never lost").hasSize(1);
                assertThat(edge.api().metric("stentor_cluster_nats_reconnects_total")).isGreaterThanOrEqualTo(1);
                assertThat(origin.api().metric("stentor_cluster_nats_reconnects_total")).isGreaterThanOrEqualTo(1);
                assertThat(edge.api().metric("stentor_cluster_frames_missing_total")).as("frames lost in the outage").isGreaterThan(100);
                assertThat(edge.api().metric("stentor_cluster_frames_restarts_total")).isZero();
                assertThat(origin.api().metric("stentor_cluster_frames_total{outcome=\"publish_dropped\"}")).isPositive();
                // And it goes on in order after the gap.
                int n = l.frames().size();
                await().atMost(Duration.ofSeconds(5)).until(() -> l.frames().size() > n + 50);

                // Space events reach the edge too: a removed user's audio stops there (4003)...
                Api fan = origin.api().registerAndLogin("natsfan");
                String listen = fan.post("/api/v1/spaces/" + space + "/join", Map.of()).json().get("listen").asText();
                assertThat(listen).startsWith(edge.baseUrl());
                try (MediaClient fanListener = MediaClient.listenerAt(listen, "")) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> fanListener.received().size() > 10);
                    assertThat(host.post("/api/v1/spaces/" + space + "/blocks", Map.of("handle", "natsfan")).status()).isEqualTo(204);
                    await().atMost(Duration.ofSeconds(5)).until(() -> fanListener.closeCode() == 4003);
                }
                // ...and the space's end closes the edge's listeners (1000) and its subscription.
                assertThat(host.post("/api/v1/spaces/" + space + "/end").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).until(() -> l.closeCodes().contains(1000));
                await().atMost(Duration.ofSeconds(5)).until(() -> edge.api().metric("stentor_cluster_subscriptions") == 0);
            }
        } finally {
            if (listener != null) {
                listener.close();
            }
            nodes.forEach(n -> {
                n.close();
                System.out.println("---- " + n.baseUrl() + " (pid " + n.pid() + ") log tail\n" + n.logTail());
            });
        }
    }
}
