package io.stentor.media.hls;

import static io.stentor.media.hls.HlsTools.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.loadtest.HlsPlayer;
import io.stentor.support.Api;
import io.stentor.support.ClusterFixture;
import io.stentor.support.MediaClient;
import io.stentor.support.NodeProcess;
import io.stentor.support.Tones;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge serves a space's HLS with no WebSocket or Ogg listener of it: the first HLS request
 * subscribes the edge to the space's frames, HLS requests alone keep it subscribed, and it lets
 * go a few seconds after the last one. Origin and edge are separate processes on this machine's
 * NATS and PostgreSQL (skipped, saying so, when either is absent).
 */
class HlsOnEdgeIT {

    @TempDir
    Path scratch;

    @Test
    void anEdgeServesHlsOnDemandForAsLongAsPlayersPoll() throws Exception {
        HlsTools.assumeFfmpeg();
        List<NodeProcess> nodes = new ArrayList<>();
        try (ClusterFixture fx = new ClusterFixture(ClusterFixture.NATS)) {
            NodeProcess origin = NodeProcess.start("origin", fx.node("origin", ClusterFixture.NATS));
            nodes.add(origin);
            origin.awaitUp(Duration.ofSeconds(60));
            NodeProcess edge = NodeProcess.start("edge", fx.node("edge", ClusterFixture.NATS));
            nodes.add(edge);
            edge.awaitUp(Duration.ofSeconds(60));
            Api host = origin.api().registerAndLogin("hlsedgehost");
            String space = host.post("/api/v1/spaces", Map.of("title", "HLS on an edge")).json().at("/space/id").asText();
            String base = edge.baseUrl() + "/spaces/" + space + "/hls/";
            try (MediaClient speaker = MediaClient.speakerAt(origin.baseUrl(), space, host.token()).sendTone(440)) {
                assertThat(edge.api().metric("stentor_cluster_subscriptions")).isZero();

                // A player on the edge, and nobody else: it polls parts with blocking reload for longer
                // than an edge keeps a space without listeners.
                try (HlsPlayer player = new HlsPlayer(HlsTools.HTTP, base)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> player.parts() >= 16); // 8 s of parts
                    assertThat(edge.api().metric("stentor_cluster_subscriptions")).isEqualTo(1);

                    String playlist = HlsIT.awaitSegments(base, 2);
                    List<String> segments = HlsTools.segments(playlist);
                    ByteArrayOutputStream file = new ByteArrayOutputStream();
                    file.write(get(base + "init.mp4").body());
                    file.write(get(base + segments.get(segments.size() - 2)).body());
                    file.write(get(base + segments.get(segments.size() - 1)).body());
                    Path mp4 = scratch.resolve("edge.mp4");
                    Files.write(mp4, file.toByteArray());
                    short[] pcm = HlsTools.decode(scratch, mp4.toString(), 10);
                    assertThat(pcm.length).isGreaterThan(3 * 48_000);
                    assertThat(Tones.shareAt(pcm, 9_600, pcm.length - 9_600, 440, 15)).isGreaterThan(0.8);
                    assertThat(player.failures()).as("failed HLS requests").isLessThanOrEqualTo(2);
                }
                // The last player left: the edge unsubscribes a few seconds later.
                await().atMost(Duration.ofSeconds(15)).until(() -> edge.api().metric("stentor_cluster_subscriptions") == 0);
            }
        } finally {
            nodes.forEach(n -> {
                n.close();
                System.out.println("---- " + n.baseUrl() + " (pid " + n.pid() + ") log tail\n" + n.logTail());
            });
        }
    }
}
