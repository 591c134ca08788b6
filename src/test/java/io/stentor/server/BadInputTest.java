package io.stentor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of bad request gets the JSON error shape with the right status, and the server carries on. */
class BadInputTest {

    static TestServer ts;
    static Api user;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("http.max-body-bytes", "4096", "http.max-header-bytes", "2048",
                "http.header-read-timeout", "1s"));
        user = ts.api().registerAndLogin("carol");
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void malformedJsonIs400WithoutAStackTrace() {
        Api.Res r = user.post("/api/v1/spaces", "{\"title\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("malformed_json");
        assertNoStackTrace(r);
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        assertRefused(user.post("/api/v1/spaces", Map.of("title", "x", "colour", "red")), "unknown_field", "colour");
    }

    @Test
    void wrongTypesAreRejectedByField() {
        assertRefused(user.post("/api/v1/spaces", "{\"title\": 42}"), "invalid_field", "title");

        Api.Res e = user.post("/api/v1/spaces", Map.of("title", "x", "recordingPolicy", "shout"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.json().get("message").asText()).contains("publish_immediately");

        Api.Res arr = user.post("/api/v1/spaces", "[1,2]");
        assertThat(arr.status()).isEqualTo(400);
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = {'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Api.Res r = user.post("/api/v1/spaces", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("malformed_json");
    }

    @Test
    void aBrokenPercentEscapeInTheUrlIs400NotADroppedConnection() throws Exception {
        for (String target : new String[] {"/api/v1/spaces?state=%ZZ", "/api/v1/spaces/%", "/api/v1/spaces/%E"}) {
            String response = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).as(target).startsWith("HTTP/1.1 400");
            assertThat(response).as(target).contains("\"error\":\"malformed_url\"").doesNotContain("Exception");
        }
        assertThat(ts.api().get("/api/v1/spaces?state=live").status()).isEqualTo(200);
    }

    @Test
    void aDuplicatedFieldIsRefusedRatherThanGuessedAt() {
        assertRefused(user.post("/api/v1/spaces", "{\"title\": \"mine\", \"title\": \"theirs\"}"), "malformed_json", "title");
    }

    @Test
    void anUnpairedSurrogateEscapeIsNotText() {
        assertRefused(user.post("/api/v1/spaces", "{\"title\": \"a\\ud800b\"}"), "invalid_field", "title");
        // A pair written as escapes is one character, and fine.
        Api.Res ok = user.post("/api/v1/spaces", "{\"title\": \"\\ud83c\\udf99 mic\"}");
        assertThat(ok.status()).as(ok.text()).isEqualTo(201);
        assertThat(ok.json().at("/space/title").asText()).isEqualTo("🎙 mic");
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"title\": \"" + "a".repeat(10_000) + "\"}";
        Api.Res r = user.post("/api/v1/spaces", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).isEqualTo("body_too_large");
        assertThat(ts.api().get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyAnnouncedWithExpectContinueGetsTheJson413BeforeSendingIt() throws Exception {
        // What curl does for a body over 1 MiB: ask first, send only after "100 Continue".
        String response = raw("POST /api/v1/spaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000\r\nExpect: 100-continue\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
        assertThat(response).contains("\"error\":\"body_too_large\"").contains("4096");
        // A body within the limit is still invited in.
        String small = raw("POST /api/v1/spaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n{}");
        assertThat(small).startsWith("HTTP/1.1 100 Continue").contains("HTTP/1.1 401");
    }

    @Test
    void nonJsonContentTypeIs415() {
        Api.Res r = user.send(HttpRequest.newBuilder(URI.create(ts.baseUrl() + "/api/v1/spaces"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("title=x")));
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.error()).isEqualTo("unsupported_media_type");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        Api.Res missing = ts.api().get("/api/v1/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");

        Api.Res wrong = ts.api().send("DELETE", "/api/v1/me", null);
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.header("Allow")).isEqualTo("GET");
    }

    @Test
    void unknownSpaceIs404() {
        Api.Res r = user.get("/api/v1/spaces/doesnotexist");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("space_not_found");
    }

    @Test
    void validationErrorsNameTheRule() {
        assertThat(user.post("/api/v1/spaces", Map.of("title", "t".repeat(121))).error()).isEqualTo("invalid_title");
        assertThat(user.post("/api/v1/spaces", Map.of("title", "ok", "language", "english!")).error())
                .isEqualTo("invalid_language");
        assertThat(user.post("/api/v1/spaces", Map.of("title", "ok", "scheduledStart", "2001-01-01T00:00:00Z")).error())
                .isEqualTo("invalid_schedule");
        assertThat(user.get("/api/v1/spaces?state=sleeping").error()).isEqualTo("invalid_query");
        assertThat(user.get("/api/v1/spaces?limit=0").error()).isEqualTo("invalid_query");
    }

    @Test
    void limitsCountCharactersNotBytesSoEmojiFitToTheLimit() {
        String title = "🎙".repeat(120);
        Api.Res r = user.post("/api/v1/spaces", Map.of("title", title, "language", "zh-Hant-TW"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/space/title").asText()).isEqualTo(title);
        assertThat(user.post("/api/v1/spaces", Map.of("title", "x", "language", "abc-abcdefgh-abcdefgh-abcdefgh")).status())
                .isEqualTo(201);
        assertThat(user.post("/api/v1/spaces", Map.of("title", "x", "language", "abc-abcdefgh-abcdefgh-abcdefgh-abcd")).error())
                .isEqualTo("invalid_language");
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        String response = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4000) + "\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 431");
        assertThat(response).contains("\"error\":\"headers_too_large\"");
    }

    @Test
    void garbageIsA400AndTheServerCarriesOn() throws Exception {
        String response = raw("\u0001\u0002 not http at all\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(ts.api().get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void aClientThatNeverFinishesItsHeadersIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            int read = s.getInputStream().read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(read).isEqualTo(-1); // closed by the server, no response
            assertThat(ms).isLessThan(4500);
        }
    }

    /** A 400 with the given code whose message names what was wrong, and no stack trace. */
    private static void assertRefused(Api.Res r, String code, String named) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).contains(named);
        assertNoStackTrace(r);
    }

    private static void assertNoStackTrace(Api.Res r) {
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
