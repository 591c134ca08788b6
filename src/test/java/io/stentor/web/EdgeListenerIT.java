package io.stentor.web;

import static io.stentor.web.WebAppIT.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.stentor.support.Api;
import io.stentor.support.ClusterFixture;
import io.stentor.support.MediaClient;
import io.stentor.support.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The web app's listener in a real cluster (an origin and two edges as separate processes, on the
 * PostgreSQL and NATS of this machine; skipped without them): the page on the origin is sent to an
 * edge by the join answer and plays the tone from there; the edge is killed, and the page joins
 * again at the origin and plays from the other edge within seconds; the HLS tier plays from an edge too.
 */
class EdgeListenerIT {

    static final String TONE = """
            (() => { const f = window.stentor.dominantFrequency();
              return f !== null && Math.abs(f - 440) < 15 && window.stentor.bandEnergy(400, 480) > 0.6; })()""";

    @Test
    void thePageListensOnAnEdgeAndMovesToAnotherWhenItDies() throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        try (ClusterFixture fx = new ClusterFixture(ClusterFixture.NATS); Browser browser = Browser.start(null)) {
            NodeProcess origin = NodeProcess.start("origin", fx.node("origin", ClusterFixture.NATS));
            nodes.add(origin);
            origin.awaitUp(Duration.ofSeconds(60));
            List<NodeProcess> edges = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                edges.add(NodeProcess.start("edge" + i, fx.node("edge", ClusterFixture.NATS)));
            }
            nodes.addAll(edges);
            edges.forEach(e -> e.awaitUp(Duration.ofSeconds(60)));
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.api().metric("stentor_cluster_edges") == 2);
            Api host = origin.api().registerAndLogin("edgepagehost");
            String space = host.post("/api/v1/spaces", Map.of("title", "Heard on an edge")).json().at("/space/id").asText();

            try (MediaClient speaker = MediaClient.speakerAt(origin.baseUrl(), space, host.token()).sendTone(440)) {
                BrowserContext ctx = browser.newPerson(origin.baseUrl());
                Page page = ctx.newPage();
                List<String> sockets = new CopyOnWriteArrayList<>();
                page.onWebSocket(w -> {
                    if (w.url().contains("/listen?ticket=")) {
                        sockets.add(w.url());
                    }
                });
                page.navigate("/#/space/" + space);
                waitUntil(page, "window.stentor.connections.listen === 'open' && " + TONE, "the page plays the tone from an edge");
                NodeProcess first = edgeOf(sockets.get(sockets.size() - 1), edges);
                assertThat(first).as("the listen socket %s is on an edge", sockets).isNotNull();

                long killed = System.nanoTime();
                first.kill();
                waitUntil(page, "window.stentor.rejoins > 0 && window.stentor.connections.listen === 'open'",
                        "the page joins again and connects");
                NodeProcess second = edgeOf(sockets.get(sockets.size() - 1), edges);
                assertThat(second).as("now on %s", sockets).isNotNull().isNotSameAs(first);
                long decoded = ((Number) page.evaluate("window.stentor.framesDecoded")).longValue();
                waitUntil(page, "window.stentor.framesDecoded > " + (decoded + 25) + " && " + TONE, "the tone is back");
                long ms = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("edges: the page plays again on another edge %d ms after its edge was killed%n", ms);
                assertThat(ms).isLessThan(8000);

                // The HLS tier from an edge: the playlist is the edge's absolute URL, fetched across origins by hls.js.
                Page hls = ctx.newPage();
                hls.navigate("/?listen=hls#/space/" + space);
                waitUntil(hls, "window.stentor.mode === 'hls' && window.stentor.hls.via === 'hls.js' && " + TONE,
                        "the HLS tier plays the tone from an edge");
                String playlist = (String) hls.evaluate("window.stentor.hls.url");
                assertThat(playlist).startsWith(second.baseUrl() + "/spaces/" + space + "/hls/");
                ctx.close();
            }
        } finally {
            nodes.forEach(n -> {
                n.close();
                System.out.println("---- " + n.baseUrl() + " (pid " + n.pid() + ") log tail\n" + n.logTail());
            });
        }
    }

    private static NodeProcess edgeOf(String socketUrl, List<NodeProcess> edges) {
        return edges.stream().filter(e -> socketUrl.startsWith(e.baseUrl().replace("http", "ws") + "/")).findFirst().orElse(null);
    }
}
