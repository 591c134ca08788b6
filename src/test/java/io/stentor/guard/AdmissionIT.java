package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Join tickets and the degradation ladder, as clients see them: tickets refused when forged,
 * expired or replayed; the WebSocket tier capped with the HTTP tier offered instead; the small live
 * audience with its replay notification; an admin forcing states; /readyz and /metrics telling.
 */
class AdmissionIT {

    @Test
    void ticketsAreRefusedWhenForgedExpiredReplayedOrForAnotherSpace() throws Exception {
        try (TestServer ts = new TestServer(Map.of("admission.ticket-ttl", "2s"))) {
            Api host = ts.api().registerAndLogin("tix_host");
            String space = live(host, "Tickets please");
            String other = live(ts.api().registerAndLogin("tix_other"), "Another room");

            JsonNode joined = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of("listener", "anon-listener-1")).json();
            assertThat(joined.get("state").asText()).isEqualTo("admitted");
            assertThat(joined.get("priority").asText()).isEqualTo("anonymous");
            assertThat(joined.get("tier").asText()).isEqualTo("websocket");
            String ticket = joined.get("ticket").asText();

            try (Socket first = ogg(ts, joined.get("ogg").asText())) {
                assertThat(statusLine(first)).contains(" 200 ");
                // The same ticket on a second connection while the first holds it: a replay.
                assertThat(answer(ts, "/spaces/" + space + "/live.opus?ticket=" + ticket)).contains(" 409 ").contains("ticket_in_use");
            }
            // A forged signature, a bent payload, junk, another space.
            String forged = ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("AA") ? "BB" : "AA");
            assertThat(answer(ts, "/spaces/" + space + "/live.opus?ticket=" + forged)).contains(" 401 ").contains("ticket_invalid");
            assertThat(answer(ts, "/spaces/" + space + "/live.opus?ticket=x" + ticket)).contains(" 401 ").contains("ticket_invalid");
            assertThat(answer(ts, "/spaces/" + space + "/live.opus?ticket=junk")).contains(" 401 ");
            assertThat(answer(ts, "/spaces/" + other + "/live.opus?ticket=" + ticket)).contains(" 403 ").contains("ticket_wrong_space");

            // After the first connection closed the ticket may reconnect, until it expires.
            await().atMost(Duration.ofSeconds(5)).until(() -> answer(ts, "/spaces/" + space + "/live.opus?ticket=" + ticket, true)
                    .contains(" 200 "));
            await().atMost(Duration.ofSeconds(10)).until(() -> answer(ts, "/spaces/" + space + "/live.opus?ticket=" + ticket)
                    .contains("ticket_expired"));
            // A returning listener with the expired ticket is admitted ahead of new joins.
            JsonNode back = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of("ticket", ticket)).json();
            assertThat(back.get("state").asText()).isEqualTo("admitted");
            assertThat(back.get("priority").asText()).isEqualTo("admitted");

                        assertThat(ts.api().metric("stentor_tickets_rejected_total{reason=\"invalid\"}")).isGreaterThanOrEqualTo(3);
            assertThat(ts.api().metric("stentor_tickets_rejected_total{reason=\"in_use\"}")).isEqualTo(1);
            assertThat(ts.api().metric("stentor_tickets_rejected_total{reason=\"expired\"}")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void pastTheWebSocketCapNewListenersAreOfferedTheHttpTier() throws Exception {
        try (TestServer ts = new TestServer(Map.of("admission.max-websocket-listeners", "1"))) {
            String space = live(ts.api().registerAndLogin("cap_host"), "Capped");
            JsonNode first = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of()).json();
            assertThat(first.get("tier").asText()).isEqualTo("websocket");
            try (var ws = io.stentor.support.MediaClient.listenerAt(ts.baseUrl(), first.get("listen").asText())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> !ws.received().isEmpty());
                JsonNode second = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of()).json();
                assertThat(second.get("tier").asText()).isEqualTo("http");
                assertThat(second.get("reason").asText()).contains("WebSocket tier of this server is full");
                assertThat(first.get("reason").isNull()).isTrue();
                // An HTTP ticket opens the Ogg stream, and is refused on the WebSocket.
                assertThat(answer(ts, second.get("listen").asText())).contains(" 409 ").contains("ticket_for_http");
                try (Socket s = ogg(ts, second.get("ogg").asText())) {
                    assertThat(statusLine(s)).contains(" 200 ");
                }
                // A player without a ticket asking for a WebSocket is told where to go.
                String direct = answer(ts, "/api/v1/spaces/" + space + "/listen");
                assertThat(direct).contains(" 503 ").contains("websocket_full").contains("Retry-After");
            }
        }
    }

    @Test
    void withACdnInFrontWhoeverWouldWaitListensThroughHlsAtOnce() throws Exception {
        try (TestServer ts = new TestServer(Map.of("admission.max-listeners", "1", "admission.hls-when-full", "true"))) {
            Api host = ts.api().registerAndLogin("hls_host");
            String space = live(host, "Full house");
            try (var speaker = io.stentor.support.MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                JsonNode first = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of()).json();
                assertThat(first.get("tier").asText()).isEqualTo("websocket");
                try (var ws = io.stentor.support.MediaClient.listenerAt(ts.baseUrl(), first.get("listen").asText())) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> !ws.received().isEmpty());
                    // The node is full: no waiting room, the CDN tier at once, with the reason.
                    Api.Res full = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of());
                    assertThat(full.status()).isEqualTo(200);
                    assertThat(full.json().get("tier").asText()).isEqualTo("hls");
                    assertThat(full.json().get("reason").asText()).contains("HLS");
                    // Its ticket opens no socket here; the playlist it names plays.
                    assertThat(answer(ts, full.json().get("listen").asText())).contains(" 409 ").contains("ticket_for_hls");
                    String playlist = full.json().get("hls").asText();
                    await().atMost(Duration.ofSeconds(10)).until(() -> ts.api().get(playlist).text().contains("#EXT-X-PART:"));
                }
                // Asked for, the HLS tier is given as is, without a reason.
                JsonNode asked = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of("tier", "hls")).json();
                assertThat(asked.get("tier").asText()).isEqualTo("hls");
                assertThat(asked.get("reason").isNull()).isTrue();
                assertThat(ts.api().post("/api/v1/spaces/" + space + "/join", Map.of("tier", "carrier-pigeon")).error())
                        .isEqualTo("invalid_tier");
            }
        }
    }

    @Test
    void anAdminForcesTheLadderAndClientsAreToldAtEachStep(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "night_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                    Map.of("handle", "night_admin", "password", "a very long secret")).json().get("token").asText());
            Api host = ts.api().registerAndLogin("ladder_host");
            Api fan = ts.api().registerAndLogin("ladder_fan");
            Api stranger = ts.api().registerAndLogin("ladder_stranger");
            String space = live(host, "The big night");
            assertThat(fan.post("/api/v1/spaces/" + space + "/follow").status()).isEqualTo(204);
            assertThat(ts.api().get("/readyz").json().get("load").asText()).isEqualTo("normal");
            assertThat(fan.put("/api/v1/admin/guard", Map.of("state", "critical")).status()).isEqualTo(403);

            // Constrained: new listeners get the HTTP tier; /readyz still ready, and says so.
            JsonNode st = admin.put("/api/v1/admin/guard", Map.of("state", "constrained")).json();
            assertThat(st.at("/load/state").asText()).isEqualTo("constrained");
            assertThat(st.at("/load/forced").asText()).isEqualTo("constrained");
            JsonNode offered = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of()).json();
            assertThat(offered.get("tier").asText()).isEqualTo("http");
            assertThat(offered.get("reason").asText()).contains("under pressure");
            Api.Res ready = ts.api().get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("load").asText()).isEqualTo("constrained");
            assertThat(ts.api().metric("stentor_guard_state")).isEqualTo(1);

            // Critical: a small live audience. Strangers and anonymous people are told the replay comes;
            // the follower, the host and the admin still get in. /readyz turns new people away.
            admin.put("/api/v1/admin/guard", Map.of("state", "critical"));
            JsonNode anon = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of()).json();
            assertThat(anon.get("state").asText()).isEqualTo("replay_later");
            assertThat(anon.get("notified").asBoolean()).isFalse();
            JsonNode told = stranger.post("/api/v1/spaces/" + space + "/join", Map.of()).json();
            assertThat(told.get("state").asText()).isEqualTo("replay_later");
            assertThat(told.get("notified").asBoolean()).isTrue();
            assertThat(told.get("replay").asText()).isEqualTo("/spaces/" + space + "/replay.opus");
            assertThat(fan.post("/api/v1/spaces/" + space + "/join", Map.of()).json().get("state").asText()).isEqualTo("admitted");
            assertThat(host.post("/api/v1/spaces/" + space + "/join", Map.of()).json().get("priority").asText()).isEqualTo("stage");
            assertThat(admin.post("/api/v1/spaces/" + space + "/join", Map.of()).json().get("priority").asText()).isEqualTo("moderator");
            Api.Res direct = ts.api().get("/spaces/" + space + "/live.opus");
            assertThat(direct.status()).isEqualTo(503);
            assertThat(direct.error()).isEqualTo("small_audience");
            assertThat(direct.header("Retry-After")).isNotNull();
            Api.Res overloaded = ts.api().get("/readyz");
            assertThat(overloaded.status()).isEqualTo(503);
            assertThat(overloaded.json().get("load").asText()).isEqualTo("critical");
            assertThat(overloaded.header("Retry-After")).isNotNull();

            // The space ends; its replay is published and the stranger is notified (well within 60 s).
            assertThat(host.post("/api/v1/spaces/" + space + "/end").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> stranger.get("/api/v1/me/notifications").text()
                    .contains("replay_published"));
            assertThat(ts.api().get("/spaces/" + space + "/replay.opus").status()).isEqualTo(200);
            assertThat(fan.get("/api/v1/me/notifications").text()).doesNotContain("replay_published");

            // Back to measuring: normal admission at once.
            assertThat(admin.put("/api/v1/admin/guard", Map.of("state", "auto")).json().at("/load/state").asText()).isEqualTo("normal");
            String next = live(host, "The next night");
            assertThat(ts.api().post("/api/v1/spaces/" + next + "/join", Map.of()).json().get("state").asText()).isEqualTo("admitted");
            assertThat(admin.put("/api/v1/admin/guard", Map.of("state", "panic")).error()).isEqualTo("invalid_state");
        }
    }

    // ------------------------------------------------------------------ helpers

    static String live(Api host, String title) {
        return host.post("/api/v1/spaces", Map.of("title", title)).json().at("/space/id").asText();
    }

    /** Opens a raw HTTP GET (the Ogg stream) and leaves it open. */
    static Socket ogg(TestServer ts, String path) throws IOException {
        Socket s = new Socket("127.0.0.1", ts.port());
        s.setSoTimeout(5000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }

    /** The whole answer (head and body) to a GET that is not a stream. */
    static String answer(TestServer ts, String path) throws IOException {
        return answer(ts, path, false);
    }

    /** With {@code statusOnly}, reads just the status line (for streams) and hangs up. */
    static String answer(TestServer ts, String path, boolean statusOnly) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(2000);
            String head = path.contains("/listen")
                    ? "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    : "Connection: close\r\n";
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + head + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (statusOnly) {
                return statusLine(s);
            }
            // Until the server closes, or 3 s at most (a stream that was let in never ends).
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            long end = System.nanoTime() + 3_000_000_000L;
            byte[] buf = new byte[8192];
            try {
                for (int n; System.nanoTime() < end && (n = s.getInputStream().read(buf)) != -1;) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing more
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
