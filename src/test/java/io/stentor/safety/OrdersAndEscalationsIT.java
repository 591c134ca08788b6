package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.safety.AuditLog.Verdict;
import io.stentor.store.Database;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The register of authority orders (Art 9/10) keeps its steps in order with server-side times, and
 * an escalation of a threat to life or safety (Art 18) preserves the audio — while the space is
 * live — in a file that outlives the replay and still holds the tone that was spoken.
 */
class OrdersAndEscalationsIT {

    @Test
    void anOrderIsReceivedThenAcknowledgedThenGivenEffectInThatOrderOnly(@TempDir Path data) {
        TransparencyReportIT.createUser(data, "ord_mod", "moderator");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api mod = TransparencyReportIT.login(ts, "ord_mod");
            Api host = ts.api().registerAndLogin("ord_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Ordered")).json().at("/space/id").asText();
            Map<String, Object> body = new java.util.HashMap<>(Map.of("kind", "act_against_illegal_content",
                    "authority", "Hellenic Police, Cybercrime Division", "memberState", "GR", "reference", "ORD-2026-0042",
                    "legalBasis", "Law 4624/2019 art. 12", "category", "violence", "spaceId", space,
                    "contentFrom", "2026-11-02T18:00:00Z", "contentTo", "2026-11-02T18:30:00Z",
                    "territorialScope", List.of("GR")));
            body.put("scopeNote", "The threats from minute 12 to 14.");

            // Only moderators keep the register.
            assertThat(ts.api().post("/api/v1/moderation/orders", body).status()).isEqualTo(401);
            assertThat(host.post("/api/v1/moderation/orders", body).error()).isEqualTo("moderators_only");
            assertThat(host.get("/api/v1/moderation/orders").status()).isEqualTo(403);

            // Bad orders are refused with the field named, and nothing is stored.
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "kind", "takedown")).error()).isEqualTo("invalid_kind");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "memberState", "US")).error())
                    .isEqualTo("invalid_member_state");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "category", "gossip")).error())
                    .isEqualTo("invalid_category");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "territorialScope", List.of())).error())
                    .isEqualTo("invalid_territorial_scope");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "contentTo", "2026-11-02T17:00:00Z")).error())
                    .isEqualTo("invalid_time_range");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "spaceId", "nope")).error()).isEqualTo("invalid_space");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "reference", " ")).error())
                    .isEqualTo("missing_reference");
            Map<String, Object> noScope = new java.util.HashMap<>(body);
            noScope.remove("spaceId");
            noScope.remove("scopeNote");
            assertThat(mod.post("/api/v1/moderation/orders", noScope).error()).isEqualTo("scope_required");
            assertThat(mod.post("/api/v1/moderation/orders", with(body, "receivedAt", "2026-01-01T00:00:00Z")).error())
                    .as("the server stamps the time").isEqualTo("unknown_field");
            assertThat(mod.get("/api/v1/moderation/orders").json().get("orders")).isEmpty();

            Instant before = Instant.now();
            Api.Res recorded = mod.post("/api/v1/moderation/orders", body);
            assertThat(recorded.status()).as(recorded.text()).isEqualTo(201);
            JsonNode order = recorded.json();
            String id = order.get("id").asText();
            assertThat(order.get("state").asText()).isEqualTo("RECEIVED");
            assertThat(Instant.parse(order.get("receivedAt").asText())).isBetween(before.minusSeconds(1), Instant.now());
            assertThat(order.at("/scope/spaceId").asText()).isEqualTo(space);
            assertThat(order.at("/scope/territorialScope/0").asText()).isEqualTo("GR");
            assertThat(order.at("/scope/contentFrom").asText()).isEqualTo("2026-11-02T18:00:00Z");

            // Effect before acknowledgement is out of order.
            assertThat(mod.post("/api/v1/moderation/orders/" + id + "/effect", Map.of("effect", "Ended the space."))
                    .error()).isEqualTo("order_received");
            assertThat(mod.get("/api/v1/moderation/orders?state=open").json().get("orders")).hasSize(1);
            JsonNode acknowledged = mod.post("/api/v1/moderation/orders/" + id + "/acknowledge").json();
            assertThat(acknowledged.get("state").asText()).isEqualTo("ACKNOWLEDGED");
            assertThat(Instant.parse(acknowledged.get("acknowledgedAt").asText()))
                    .isAfterOrEqualTo(Instant.parse(order.get("receivedAt").asText()));
            assertThat(mod.post("/api/v1/moderation/orders/" + id + "/acknowledge").status()).isEqualTo(409);
            assertThat(mod.post("/api/v1/moderation/orders/" + id + "/effect", Map.of("effect", " ")).error())
                    .isEqualTo("missing_effect");
            assertThat(mod.post("/api/v1/moderation/orders/" + id + "/effect", Map.of("effect", "Ended the space.",
                    "decisionId", "nope")).error()).isEqualTo("invalid_decision");
            JsonNode effected = mod.post("/api/v1/moderation/orders/" + id + "/effect", Map.of("effect",
                    "The space was ended and its replay removed.")).json();
            assertThat(effected.get("state").asText()).isEqualTo("EFFECTED");
            assertThat(effected.get("givenEffect").asBoolean()).isTrue();
            assertThat(effected.get("effectedAt").isNull()).isFalse();
            assertThat(mod.post("/api/v1/moderation/orders/" + id + "/effect", Map.of("effect", "Twice.")).error())
                    .isEqualTo("order_effected");
            assertThat(mod.get("/api/v1/moderation/orders?state=open").json().get("orders")).isEmpty();
            assertThat(mod.get("/api/v1/moderation/orders?state=effected").json().get("orders")).hasSize(1);
            assertThat(mod.get("/api/v1/moderation/orders?state=lost").error()).isEqualTo("invalid_state");
            assertThat(mod.get("/api/v1/moderation/orders/nope").status()).isEqualTo(404);
            assertThat(mod.post("/api/v1/moderation/orders/nope/acknowledge").status()).isEqualTo(404);
        }
        try (Database db = Database.open(io.stentor.config.ConfigSources.defaultsWith(Map.of("data.dir", data.toString()))
                .db())) {
            AuditLog audit = new AuditLog(db.jdbi(), java.time.Clock.systemUTC());
            Verdict v = audit.verify();
            assertThat(v.intact()).isTrue();
            List<String> actions = db.jdbi().withHandle(h -> h.createQuery("SELECT action FROM audit_log "
                    + "WHERE action LIKE 'order.%' ORDER BY seq").mapTo(String.class).list());
            assertThat(actions).containsExactly("order.received", "order.acknowledged", "order.effected");
        }
    }

    @Test
    void anEscalationPreservesTheLiveAudioBeyondTheReplaysRemoval(@TempDir Path data) throws Exception {
        TransparencyReportIT.createUser(data, "esc_mod", "moderator");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api mod = TransparencyReportIT.login(ts, "esc_mod");
            Api host = ts.api().registerAndLogin("esc_host");
            Api someone = ts.api().registerAndLogin("esc_someone");
            String space = host.post("/api/v1/spaces", Map.of("title", "Threats")).json().at("/space/id").asText();
            Map<String, Object> escalation = Map.of("spaceId", space,
                    "reason", "The speaker announces an attack on a school tomorrow morning.");
            JsonNode live;
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                Thread.sleep(3000);
                // Only moderators escalate and see the queue.
                assertThat(ts.api().post("/api/v1/moderation/escalations", escalation).status()).isEqualTo(401);
                assertThat(someone.post("/api/v1/moderation/escalations", escalation).status()).isEqualTo(403);
                assertThat(mod.post("/api/v1/moderation/escalations", Map.of("spaceId", space, "reason", "short")).error())
                        .isEqualTo("invalid_reason");
                assertThat(mod.post("/api/v1/moderation/escalations", Map.of("reason", "No space named at all here."))
                        .error()).isEqualTo("no_space");
                assertThat(mod.post("/api/v1/moderation/escalations", Map.of("noticeId", "nope",
                        "reason", "A notice that does not exist.")).status()).isEqualTo(404);
                Api.Res res = mod.post("/api/v1/moderation/escalations", escalation);
                assertThat(res.status()).as(res.text()).isEqualTo(201);
                live = res.json();
                Thread.sleep(500);
            }
            assertThat(live.get("spaceWasLive").asBoolean()).isTrue();
            assertThat(live.get("state").asText()).isEqualTo("OPEN");
            String id = live.get("id").asText();
            String sha = live.at("/evidence/sha256").asText();
            assertThat(sha).hasSize(64);
            assertThat(live.at("/evidence/bytes").asLong()).isGreaterThan(2000);

            // A notice about the space, escalated after it ended, preserves the whole recording.
            host.post("/api/v1/spaces/" + space + "/end");
            String notice = ts.api().post("/api/v1/notices", NoticesIT.notice("risk_for_public_security",
                    List.of(NoticesIT.audioItem(space)), Map.of("name", "Nora Notifier", "email", "nora@example.org")))
                    .json().get("id").asText();
            JsonNode whole = mod.post("/api/v1/moderation/escalations", Map.of("noticeId", notice,
                    "reason", "Same threat, reported by a listener.")).json();
            assertThat(whole.get("spaceId").asText()).isEqualTo(space);
            assertThat(whole.get("noticeId").asText()).isEqualTo(notice);
            assertThat(whole.get("spaceWasLive").asBoolean()).isFalse();
            assertThat(whole.at("/evidence/bytes").asLong()).isGreaterThanOrEqualTo(live.at("/evidence/bytes").asLong());

            // The host removes the replay: the recording goes, the evidence stays, byte for byte.
            Path recording = ts.config().media().recordingsDir().resolve(space + ".opus");
            assertThat(host.delete("/api/v1/spaces/" + space + "/replay").status()).isEqualTo(204);
            assertThat(recording).doesNotExist();
            String evidenceUrl = live.at("/evidence/url").asText();
            assertThat(fetch(ts, evidenceUrl, null).statusCode()).isEqualTo(401);
            assertThat(fetch(ts, evidenceUrl, someone.token()).statusCode()).isEqualTo(403);
            HttpResponse<byte[]> evidence = fetch(ts, evidenceUrl, mod.token());
            assertThat(evidence.statusCode()).isEqualTo(200);
            assertThat(evidence.headers().firstValue("content-type")).contains("audio/ogg");
            assertThat(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(evidence.body())))
                    .isEqualTo(sha);
            Path onDisk = data.resolve("evidence").resolve(id + ".opus");
            assertThat(onDisk).exists();
            assertThat(Files.size(onDisk)).isEqualTo(live.at("/evidence/bytes").asLong());

            // It is a valid Ogg Opus file that holds the tone the host spoke.
            short[] pcm = decode(evidence.body());
            assertThat(pcm.length).isGreaterThan(48_000);
            assertThat(Tones.shareAt(pcm, 24_000, Math.min(pcm.length, 72_000), 440, 15)).isGreaterThan(0.8);

            // The queue: both open, oldest first; telling the police closes one, once.
            JsonNode queue = mod.get("/api/v1/moderation/escalations").json().get("escalations");
            assertThat(queue).hasSize(2);
            assertThat(queue.get(0).get("id").asText()).isEqualTo(id);
            assertThat(someone.get("/api/v1/moderation/escalations").status()).isEqualTo(403);
            assertThat(ts.api().get("/api/v1/moderation/escalations").status()).isEqualTo(401);
            assertThat(mod.post("/api/v1/moderation/escalations/" + id + "/informed", Map.of("reference", "x")).error())
                    .isEqualTo("missing_authority");
            JsonNode informed = mod.post("/api/v1/moderation/escalations/" + id + "/informed", Map.of(
                    "authority", "Hellenic Police, emergency line 112", "reference", "INC-7781")).json();
            assertThat(informed.get("state").asText()).isEqualTo("INFORMED");
            assertThat(informed.get("informedAuthority").asText()).startsWith("Hellenic Police");
            assertThat(informed.get("informedAt").isNull()).isFalse();
            assertThat(mod.post("/api/v1/moderation/escalations/" + id + "/informed", Map.of("authority", "Again"))
                    .error()).isEqualTo("escalation_closed");
            assertThat(mod.get("/api/v1/moderation/escalations").json().get("escalations")).hasSize(1);
            assertThat(mod.get("/api/v1/moderation/escalations?state=all").json().get("escalations")).hasSize(2);
            // The affected user never sees the queue or the notifier through it.
            assertThat(host.get("/api/v1/moderation/escalations/" + id).status()).isEqualTo(403);
        }
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> m = new java.util.HashMap<>(body);
        m.put(key, value);
        return m;
    }

    private static HttpResponse<byte[]> fetch(TestServer ts, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ts.baseUrl() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Every audio packet of an Ogg Opus file, decoded to 48 kHz mono. */
    private static short[] decode(byte[] ogg) throws Exception {
        List<byte[]> packets = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(ogg)) {
            OggOpusReader reader = new OggOpusReader(in);
            for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                packets.add(p.get().data());
            }
        }
        short[] pcm = io.stentor.support.Tones.decode(packets);
        return pcm;
    }
}
