package io.stentor.safety;

import static io.stentor.safety.ModerationActionsIT.createAdmin;
import static io.stentor.safety.ModerationActionsIT.recentShare;
import static io.stentor.safety.ModerationActionsIT.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's whole chain through the HTTP API, as each party sees it: an anonymous notice on a live
 * space, then a trusted flagger's that jumps the queue; a moderator listens to the reported range,
 * demotes the space (it leaves "live now") and mutes the speaker (silence on the far side); the
 * users read their statements of reasons and appeal; a second moderator reverses and everything is
 * restored; the outbox submits each statement to the Transparency Database exactly once; the
 * transparency report for the day counts all of it. Plus who may see what.
 */
class DsaEndToEndIT {

    @Test
    void fromAnonymousNoticeToReversedAppealCountedInTheTransparencyReport(@TempDir Path data) throws Exception {
        createAdmin(data);
        try (TdbSubmitterIT.FakeTdb tdb = new TdbSubmitterIT.FakeTdb();
                TestServer ts = new TestServer(Map.of("data.dir", data.toString(), "safety.tdb-url", tdb.base(),
                        "safety.tdb-token", "tdb-test-token", "safety.tdb-interval", "200ms"))) {
            ModerationActionsIT.Staff staff = ModerationActionsIT.staff(ts, data);
            Api flagger = ts.api().registerAndLogin("e2e_flagger");
            assertThat(staff.admin().put("/api/v1/users/e2e_flagger/role", Map.of("role", "trusted_flagger")).status())
                    .isEqualTo(200);
            Api host = ts.api().registerAndLogin("e2e_host");
            Api guest = ts.api().registerAndLogin("e2e_guest");
            Api bystander = ts.api().registerAndLogin("e2e_bystander");
            String space = host.post("/api/v1/spaces", Map.of("title", "Town hall")).json().at("/space/id").asText();
            assertThat(host.post("/api/v1/spaces/" + space + "/invites", Map.of("handle", "e2e_guest")).status()).isEqualTo(204);
            assertThat(guest.post("/api/v1/spaces/" + space + "/invites/accept").status()).isEqualTo(204);

            try (MediaClient h = MediaClient.speaker(ts, space, host.token()).sendTone(440);
                    MediaClient g = MediaClient.speaker(ts, space, guest.token()).sendTone(660);
                    MediaClient listener = MediaClient.listener(ts, space)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > 150);
                assertThat(ts.api().get("/api/v1/spaces?state=live").text()).contains(space);

                // 1. Anyone reports, without an account; then a trusted flagger reports the same space.
                Map<String, Object> item = Map.of("kind", "space_audio", "spaceId", space, "speaker", "e2e_guest",
                        "fromMs", 500, "toMs", 2500);
                Api.Res anon = ts.api().post("/api/v1/notices", Map.of("category", "illegal_or_harmful_speech", "goodFaith", true,
                        "explanation", "The second speaker threatens a named journalist.", "items", List.of(item),
                        "name", "Nora Notifier", "email", "nora@example.org"));
                assertThat(anon.status()).as(anon.text()).isEqualTo(201);
                Api.Res trusted = flagger.post("/api/v1/notices", Map.of("category", "negative_effects_on_civic_discourse_or_elections",
                        "goodFaith", true, "explanation", "Coordinated election disinformation in this space.",
                        "items", List.of(Map.of("kind", "space_audio", "spaceId", space))));
                assertThat(trusted.status()).isEqualTo(201);
                String anonId = anon.json().get("id").asText();
                String trustedId = trusted.json().get("id").asText();

                // 2. Only moderators see the queue; the trusted flagger's notice is first.
                assertThat(ts.api().get("/api/v1/moderation/notices").status()).isEqualTo(401);
                assertThat(bystander.get("/api/v1/moderation/notices").status()).isEqualTo(403);
                assertThat(host.get("/api/v1/moderation/notices/" + anonId).status()).isEqualTo(403);
                JsonNode queue = staff.mod().get("/api/v1/moderation/notices").json().get("notices");
                assertThat(queue.get(0).get("id").asText()).isEqualTo(trustedId);
                assertThat(queue.get(1).get("id").asText()).isEqualTo(anonId);

                // 3. The moderator listens to the reported range (evidence is for moderators only).
                String range = "/api/v1/moderation/spaces/" + space + "/audio?fromMs=500&toMs=2500";
                assertThat(bystander.get(range).status()).isEqualTo(403);
                assertThat(guest.get(range).status()).isEqualTo(403);
                var clip = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(ts.baseUrl() + range)).header("Authorization", "Bearer " + staff.mod().token()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(clip.statusCode()).isEqualTo(200);
                var reader = new io.stentor.media.ogg.OggOpusReader(new java.io.ByteArrayInputStream(clip.body()));
                List<byte[]> packets = new java.util.ArrayList<>();
                for (var p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                    packets.add(p.get().data());
                }
                short[] heard = Tones.decode(packets);
                assertThat(packets.size()).as("2 s of audio").isBetween(95, 105);
                assertThat(Tones.shareAt(heard, 0, heard.length, 660, 15)).as("the reported speaker is heard").isGreaterThan(0.2);
                try (var db = io.stentor.store.Database.open(ts.config().db())) {
                    int played = db.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM audit_log WHERE action = "
                            + "'evidence.played' AND subject = :s").bind("s", space).mapTo(Integer.class).one());
                    assertThat(played).as("who heard the evidence is on the record").isEqualTo(1);
                }

                // 4. Demote on the trusted notice: the space leaves "live now", stays reachable by link.
                assertThat(staff.mod().post("/api/v1/moderation/notices/" + trustedId + "/decision", Map.of("action", "demote",
                        "ground", "terms", "termsVersion", "2026-11", "termsClause", "4.5 Deception",
                        "explanation", "Coordinated disinformation during an election campaign.")).status()).isEqualTo(201);
                assertThat(ts.api().get("/api/v1/spaces?state=live").text()).doesNotContain(space);
                assertThat(ts.api().get("/api/v1/spaces/" + space).status()).isEqualTo(200);

                // 5. Mute the speaker on the anonymous notice: silence on the far side.
                assertThat(staff.mod().post("/api/v1/moderation/notices/" + anonId + "/decision", Map.of("action", "mute_speaker",
                        "ground", "illegal", "legalGround", "Criminal code, art. 333 (threats)",
                        "explanation", "Threats against a named journalist at 0:00-0:02.")).status()).isEqualTo(201);
                int after = listener.received().size();
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > after + 75);
                assertThat(recentShare(listener, 660)).as("the muted speaker is silent").isLessThan(0.02);
                assertThat(recentShare(listener, 440)).as("the host still on air").isGreaterThan(0.2);

                // 6. The affected users read their statements of reasons — never who reported them.
                JsonNode demoted = statement(host, "demote");
                JsonNode muted = statement(guest, "mute_speaker");
                assertThat(demoted.get("termsUrl").asText()).isEqualTo("/terms/2026-11");
                assertThat(muted.get("legalGround").asText()).contains("art. 333");
                assertThat(demoted.get("redress").asText()).contains("appeal");
                for (JsonNode st : List.of(demoted, muted)) {
                    assertThat(st.toString()).doesNotContain("Nora").doesNotContain("nora@example.org").doesNotContain("e2e_flagger");
                }
                assertThat(host.get("/api/v1/me/notifications").text()).contains("statement_of_reasons");

                // 7. Appeals; a second moderator reverses; everything is restored.
                ModerationActionsIT.reverse(staff, guest, muted.get("id").asText());
                ModerationActionsIT.reverse(staff, host, demoted.get("id").asText());
                assertThat(ts.api().get("/api/v1/spaces?state=live").text()).contains(space);
                assertThat(guest.post("/api/v1/spaces/" + space + "/stage/e2e_guest/unmute").status()).isEqualTo(204);
                int restored = listener.received().size();
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > restored + 75);
                assertThat(recentShare(listener, 660)).as("heard again").isGreaterThan(0.2);
            }

            // 8. Each statement reaches the Transparency Database exactly once, without personal data.
            await().atMost(Duration.ofSeconds(20)).until(() -> tdb.accepted.size() == 2);
            Thread.sleep(1000);
            assertThat(tdb.accepted.values()).allMatch(n -> n.get() == 1);
            assertThat(tdb.refusals).isEmpty();
            String sent = tdb.bodies.values().toString();
            assertThat(sent).doesNotContain("Nora").doesNotContain("nora@").doesNotContain("e2e_host").doesNotContain("e2e_guest")
                    .doesNotContain(space);
            // A trusted flagger is an organisation, named as the source (Art 22); an individual notifier never is.
            assertThat(tdb.bodies.values()).filteredOn(b -> b.has("source_identity")).extracting(b -> b.get("source_type").asText())
                    .containsExactly("SOURCE_TRUSTED_FLAGGER");
            assertThat(tdb.bodies.values()).extracting(b -> b.get("source_type").asText())
                    .containsExactlyInAnyOrder("SOURCE_TRUSTED_FLAGGER", "SOURCE_ARTICLE_16");

            // 9. The transparency report for the day counts all of it, and only moderators get it.
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String url = "/api/v1/admin/transparency-report?from=" + today + "&to=" + today;
            assertThat(ts.api().get(url).status()).isEqualTo(401);
            assertThat(bystander.get(url).status()).isEqualTo(403);
            JsonNode report = staff.mod().get(url).json().get("sections");
            assertThat(report.at("/notices/received").asLong()).isEqualTo(2);
            assertThat(report.at("/notices/received_from_trusted_flaggers").asLong()).isEqualTo(1);
            assertThat(report.at("/notices/decided").asLong()).isEqualTo(2);
            assertThat(report.at("/notices/actions_taken").asLong()).isEqualTo(2);
            assertThat(report.at("/notices/actions_on_basis_of_law").asLong()).isEqualTo(1);
            assertThat(report.at("/notices/actions_on_basis_of_terms").asLong()).isEqualTo(1);
            assertThat(report.at("/complaints/received").asLong()).isEqualTo(2);
            assertThat(report.at("/complaints/decision_reversed").asLong()).isEqualTo(2);
            assertThat(report.at("/own_initiative/measures").asLong()).isZero();
            String csv = staff.mod().get(url + "&format=csv").text();
            assertThat(csv).doesNotContain("e2e_").doesNotContain("Nora").doesNotContain(space);
        }
    }
}
