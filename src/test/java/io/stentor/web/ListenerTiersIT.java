package io.stentor.web;

import static io.stentor.web.WebAppIT.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.options.AriaRole;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listener's tiers in headless Chromium (docs/PROTOCOL.md "Joining"): the HLS tier through the
 * vendored hls.js, and a join answer naming another node by an absolute URL — followed, and after
 * that node drops the connection (1012), joined again at the origin with the old ticket.
 */
class ListenerTiersIT {

    static final String TONE = """
            (() => { const f = window.stentor.dominantFrequency();
              return f !== null && Math.abs(f - 440) < 15 && window.stentor.bandEnergy(400, 480) > 0.6; })()""";

    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(null);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theHlsTierPlaysTheSpeakersToneThroughHlsJs() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("lt_hls_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Over HLS")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                BrowserContext ctx = browser.newPerson(ts.baseUrl());
                Page page = ctx.newPage();
                List<String> requested = new CopyOnWriteArrayList<>();
                page.onRequest(r -> requested.add(r.url()));
                page.navigate("/?listen=hls#/space/" + space);
                waitUntil(page, "window.stentor.mode === 'hls' && window.stentor.hls.via === 'hls.js'", "the HLS tier is used");
                waitUntil(page, "document.querySelector('audio') && document.querySelector('audio').currentTime > 1 && " + TONE,
                        "the HLS tier plays the speaker's 440 Hz tone");
                assertThat(requested).anyMatch(u -> u.endsWith("/web/vendor/hls.light.min.mjs"))
                        .anyMatch(u -> u.contains("/spaces/" + space + "/hls/index.m3u8"))
                        .anyMatch(u -> u.endsWith(".m4s"))
                        .noneMatch(u -> u.contains("/listen?ticket="));
                assertThat(page.evaluate("window.stentor.hls.errors.length")).isEqualTo(0);

                // Without the switch the WebSocket tier is used, and hls.js is never loaded.
                Page ws = ctx.newPage();
                List<String> wsRequested = new CopyOnWriteArrayList<>();
                ws.onRequest(r -> wsRequested.add(r.url()));
                ws.navigate("/#/space/" + space);
                waitUntil(ws, "window.stentor.mode === 'listen' && " + TONE, "the WebSocket tier plays the tone");
                assertThat(wsRequested).noneMatch(u -> u.contains("hls"));
                ctx.close();

                // A browser without WebCodecs but with Media Source Extensions gets the HLS tier by itself.
                BrowserContext old = browser.newPerson(ts.baseUrl());
                old.addInitScript("delete window.AudioDecoder; delete window.AudioEncoder;");
                Page oldPage = old.newPage();
                oldPage.navigate("/#/space/" + space);
                waitUntil(oldPage, "window.stentor.mode === 'hls' && " + TONE, "without WebCodecs, the HLS tier plays the tone");
                old.close();
            }
        }
    }

    @Test
    void withoutWebCodecsOrMediaSourceTheOggStreamPlaysInAnAudioElement() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("lt_ogg_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Old browser")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                BrowserContext old = browser.newPerson(ts.baseUrl());
                // As if the browser had neither WebCodecs nor Media Source Extensions, from before the app loads.
                old.addInitScript("delete window.AudioDecoder; delete window.AudioEncoder;"
                        + " delete window.MediaSource; delete window.ManagedMediaSource;");
                Page page = old.newPage();
                List<String> requested = new CopyOnWriteArrayList<>();
                page.onRequest(r -> requested.add(r.url()));
                page.navigate("/#/space/" + space);
                waitUntil(page, "window.stentor.mode === 'fallback' && /\\/live\\.opus\\?ticket=/.test(document.querySelector('audio').src)"
                        + " && !document.querySelector('audio').paused && document.querySelector('audio').currentTime > 1 && " + TONE,
                        "the Ogg stream plays the speaker's 440 Hz tone in an <audio> element");
                assertThat(page.getByText("Listening live").isVisible()).isTrue();
                assertThat(requested).noneMatch(u -> u.contains("hls")).noneMatch(u -> u.contains("/listen?ticket="));
                old.close();
            }
        }
    }

    @Test
    void aFullServerSaysSoPlainlyAndAsksAgainNoSoonerThanRetryAfter() throws Exception {
        // No room for listeners and no places in the waiting room: joins get 503 waiting_room_full, Retry-After: 5.
        try (TestServer ts = new TestServer(Map.of("admission.max-listeners", "0", "admission.max-waiting", "0"))) {
            Api host = ts.api().registerAndLogin("lt_fullwait_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Packed")).json().at("/space/id").asText();
            BrowserContext ctx = browser.newPerson(ts.baseUrl());
            Page page = ctx.newPage();
            List<Long> joins = new CopyOnWriteArrayList<>();
            List<String> retryAfter = new CopyOnWriteArrayList<>();
            page.onResponse(r -> {
                if (r.url().endsWith("/spaces/" + space + "/join")) {
                    joins.add(System.nanoTime());
                    retryAfter.add(r.status() + " " + r.headerValue("retry-after"));
                }
            });
            page.navigate("/#/space/" + space);
            page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                    .setHasText("the waiting room is full; try again in 5 s. Trying again in")).waitFor();
            waitUntil(page, "window.stentor.admission.state === 'refused' && window.stentor.admission.error === 'waiting_room_full'",
                    "the page knows why it is not let in");
            page.waitForCondition(() -> joins.size() >= 2, new Page.WaitForConditionOptions().setTimeout(15_000));
            assertThat(retryAfter.get(0)).isEqualTo("503 5");
            assertThat((joins.get(1) - joins.get(0)) / 1_000_000).as("ms between joins").isGreaterThanOrEqualTo(4_900);
            ctx.close();
        }
    }

    @Test
    void whenTheServerSendsNewListenersToItsCdnTierThePagePlaysHlsAndSaysWhy() throws Exception {
        // No room for live connections at all; a CDN stands in front of the HLS tier (admission.hls-when-full).
        try (TestServer ts = new TestServer(Map.of("admission.max-listeners", "0", "admission.hls-when-full", "true"))) {
            Api host = ts.api().registerAndLogin("lt_full_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Full house")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                BrowserContext ctx = browser.newPerson(ts.baseUrl());
                Page page = ctx.newPage();
                page.navigate("/#/space/" + space);
                waitUntil(page, "window.stentor.mode === 'hls' && window.stentor.admission.tier === 'hls'",
                        "the server's answer moves the page to the HLS tier");
                waitUntil(page, "document.querySelector('audio') && document.querySelector('audio').currentTime > 1 && " + TONE,
                        "the HLS tier plays the speaker's 440 Hz tone");
                assertThat(page.content()).contains("a few seconds behind live");
                ctx.close();
            }
        }
    }

    @Test
    void anAbsoluteListenUrlIsFollowedAndADroppedNodeMeansJoiningAgainWithTheOldTicket() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("lt_edge_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Via an edge")).json().at("/space/id").asText();
            int port = ts.port();
            // The page is served as localhost; the join answers name "edges" by absolute URLs of the same server:
            // first 127.0.0.1, then (after it drops) localhost.
            String[] edges = {"http://127.0.0.1:" + port, "http://localhost:" + port};
            List<String> joinBodies = new CopyOnWriteArrayList<>();
            List<String> sockets = new CopyOnWriteArrayList<>();
            AtomicReference<WebSocketRoute> firstEdge = new AtomicReference<>();
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                BrowserContext ctx = browser.newPerson("http://localhost:" + port);
                Page page = ctx.newPage();
                page.route("**/api/v1/spaces/" + space + "/join", (Route route) -> {
                    joinBodies.add(route.request().postData());
                    APIResponse real = route.fetch();
                    String body = real.text();
                    String edge = edges[Math.min(joinBodies.size() - 1, 1)];
                    body = body.replace("\"listen\":\"/", "\"listen\":\"" + edge + "/");
                    route.fulfill(new Route.FulfillOptions().setResponse(real).setBody(body));
                });
                page.routeWebSocket(java.util.regex.Pattern.compile(".*/listen\\?ticket=.*"), ws -> {
                    sockets.add(ws.url());
                    firstEdge.compareAndSet(null, ws);
                    ws.connectToServer();
                });
                page.onWebSocket(w -> System.out.println("[websocket] " + w.url()));
                page.navigate("/#/space/" + space);
                waitUntil(page, "window.stentor.connections.listen === 'open' && " + TONE, "the listener hears the tone from the edge");
                assertThat(sockets).hasSize(1);
                assertThat(sockets.get(0)).startsWith("ws://127.0.0.1:" + port + "/api/v1/spaces/" + space + "/listen?ticket=");

                // The "edge" goes away (restarting): within a moment the page joins again at the origin, sending
                // the old ticket, and connects where the new answer says.
                long t0 = System.nanoTime();
                firstEdge.get().close(new WebSocketRoute.CloseOptions().setCode(1012).setReason("server restarting: reconnect"));
                waitUntil(page, "window.stentor.rejoins === 1 && window.stentor.connections.listen === 'open'",
                        "the listener rejoins at the origin and reconnects");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("reconnected after the 100-500 ms jitter, not a long backoff").isLessThan(3000);
                assertThat(joinBodies).hasSize(2);
                assertThat(joinBodies.get(1)).contains("\"ticket\":");
                assertThat(sockets).hasSize(2);
                assertThat(sockets.get(1)).startsWith("ws://localhost:" + port + "/api/v1/spaces/" + space + "/listen?ticket=");
                long decoded = ((Number) page.evaluate("window.stentor.framesDecoded")).longValue();
                waitUntil(page, "window.stentor.framesDecoded > " + (decoded + 50) + " && " + TONE, "the tone comes back");
                ctx.close();
            }
        }
    }
}
