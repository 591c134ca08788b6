package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notices (DSA Art 16) from anyone, trusted flaggers first in the queue (Art 22), and a demotion
 * with its statement of reasons (Art 17), through the HTTP API as each party sees it.
 */
class NoticesIT {

    static Map<String, Object> audioItem(String space) {
        return Map.of("kind", "space_audio", "spaceId", space, "speaker", "loudmouth", "fromMs", 60_000, "toMs", 95_000);
    }

    static Map<String, Object> notice(String category, List<Object> items, Map<String, Object> extra) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("category", category, "goodFaith", true, "items", items,
                "explanation", "At about 1:00 the speaker calls for violence against a named group of people."));
        m.putAll(extra);
        return m;
    }

    @Test
    void anyoneReportsTrustedFlaggersComeFirstAndADemotionComesWithAStatementOfReasons(@TempDir Path data) {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "tns_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                    Map.of("handle", "tns_admin", "password", "a very long secret")).json().get("token").asText());
            Api host = ts.api().registerAndLogin("tns_host");
            Api mod = ts.api().registerAndLogin("tns_mod");
            Api flagger = ts.api().registerAndLogin("tns_flagger");
            Api someone = ts.api().registerAndLogin("tns_someone");
            assertThat(admin.put("/api/v1/users/tns_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
            assertThat(admin.put("/api/v1/users/tns_flagger/role", Map.of("role", "trusted_flagger")).status()).isEqualTo(200);
            String space = host.post("/api/v1/spaces", Map.of("title", "Heated debate")).json().at("/space/id").asText();
            String other = host.post("/api/v1/spaces", Map.of("title", "Quiet chat")).json().at("/space/id").asText();
            String scheduled = host.post("/api/v1/spaces", Map.of("title", "Rematch tomorrow",
                    "scheduledStart", java.time.Instant.now().plusSeconds(86_400).toString())).json().at("/space/id").asText();
            assertThat(someone.post("/api/v1/spaces/" + scheduled + "/follow").status()).isEqualTo(204);

            // An anonymous notice, located to a speaker and a time range: a receipt at once.
            Api.Res anon = ts.api().post("/api/v1/notices", notice("violence", List.of(audioItem(other)),
                    Map.of("name", "Nora Notifier", "email", "nora@example.org")));
            assertThat(anon.status()).as(anon.text()).isEqualTo(201);
            assertThat(anon.json().get("items").asInt()).isEqualTo(1);
            assertThat(anon.json().get("trusted").asBoolean()).isFalse();
            // Bad notices get clear errors and store nothing.
            assertThat(ts.api().post("/api/v1/notices", notice("violence", List.of(audioItem(space)), Map.of())).error())
                    .isEqualTo("notifier_required");
            assertThat(ts.api().post("/api/v1/notices", notice("violence", List.of(audioItem(space)),
                    Map.of("name", "N", "email", "n@example.org", "goodFaith", false))).error()).isEqualTo("good_faith_required");
            assertThat(ts.api().post("/api/v1/notices", notice("gossip", List.of(audioItem(space)),
                    Map.of("name", "N", "email", "n@example.org"))).error()).isEqualTo("invalid_category");
            assertThat(ts.api().post("/api/v1/notices", notice("violence", List.of(Map.of("kind", "space_audio",
                    "spaceId", space, "fromMs", 5000, "toMs", 1000)), Map.of("name", "N", "email", "n@example.org"))).error())
                    .isEqualTo("invalid_item");
            assertThat(ts.api().post("/api/v1/notices", notice("violence", List.of(Map.of("kind", "space_audio",
                    "spaceId", "nope")), Map.of("name", "N", "email", "n@example.org"))).error()).isEqualTo("invalid_item");
            assertThat(ts.api().post("/api/v1/notices", notice("violence", List.of(), Map.of("name", "N",
                    "email", "n@example.org"))).error()).isEqualTo("invalid_items");
            // Child sexual abuse material may be reported without a name.
            assertThat(ts.api().post("/api/v1/notices", notice("child_sexual_abuse_material",
                    List.of(Map.of("kind", "user_profile", "userHandle", "tns_someone")), Map.of())).status()).isEqualTo(201);

            // A trusted flagger's notice, filed last, is first in the queue.
            Api.Res trusted = flagger.post("/api/v1/notices", notice("illegal_or_harmful_speech", List.of(audioItem(space)), Map.of()));
            assertThat(trusted.status()).isEqualTo(201);
            assertThat(trusted.json().get("trusted").asBoolean()).isTrue();
            String trustedId = trusted.json().get("id").asText();

            // Only moderators see the queue.
            assertThat(ts.api().get("/api/v1/moderation/notices").status()).isEqualTo(401);
            assertThat(someone.get("/api/v1/moderation/notices").error()).isEqualTo("moderators_only");
            JsonNode queue = mod.get("/api/v1/moderation/notices").json().get("notices");
            assertThat(queue).hasSize(3);
            assertThat(queue.get(0).get("id").asText()).isEqualTo(trustedId);
            assertThat(queue.get(0).get("live").asBoolean()).isTrue();
            assertThat(queue.get(0).at("/items/0/fromMs").asLong()).isEqualTo(60_000);

            // The moderator demotes the space, citing the terms: it leaves "live now", stays reachable by link.
            assertThat(mod.post("/api/v1/moderation/notices/" + trustedId + "/decision", Map.of("action", "demote",
                    "ground", "terms")).error()).isEqualTo("invalid_explanation");
            assertThat(mod.post("/api/v1/moderation/notices/" + trustedId + "/decision", Map.of("action", "demote",
                    "ground", "terms", "termsVersion", "1999-01", "termsClause", "4.2 Incitement",
                    "explanation", "Citing terms that never existed.")).error()).isEqualTo("unknown_terms_version");
            Api.Res decided = mod.post("/api/v1/moderation/notices/" + trustedId + "/decision", Map.of("action", "demote",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2 Incitement",
                    "explanation", "The speaker incited violence at 1:00-1:35; the space is not amplified.",
                    "territorialScope", List.of("EU")));
            assertThat(decided.status()).as(decided.text()).isEqualTo(201);
            assertThat(mod.post("/api/v1/moderation/notices/" + trustedId + "/decision", Map.of("action", "no_action",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2",
                    "explanation", "Deciding twice is refused.")).error()).isEqualTo("notice_decided");
            assertThat(ts.api().get("/api/v1/spaces?state=live").text()).doesNotContain(space).contains(other);
            assertThat(ts.api().get("/api/v1/spaces/" + space).status()).isEqualTo(200);

            // The host gets a statement of reasons, without the notifier's identity, and how to appeal.
            JsonNode statement = host.get("/api/v1/me/statements").json().at("/statements/0");
            assertThat(statement.get("action").asText()).isEqualTo("demote");
            assertThat(statement.get("termsClause").asText()).isEqualTo("4.2 Incitement");
            assertThat(statement.get("redress").asText()).contains("appeal");
            // The statement links the version of the terms it applied, at a URL that never changes.
            assertThat(statement.get("termsUrl").asText()).isEqualTo("/terms/2026-01");
            Api.Res terms = ts.api().get(statement.get("termsUrl").asText());
            assertThat(terms.status()).isEqualTo(200);
            assertThat(terms.header("Content-Type")).startsWith("text/markdown");
            assertThat(terms.text()).contains("4.2 Incitement");
            assertThat(ts.api().get("/api/v1/terms").json().get("current").asText()).isEqualTo("2026-11");
            assertThat(ts.api().get("/terms/1999-01").error()).isEqualTo("terms_not_found");
            assertThat(host.get("/api/v1/me/statements").text()).doesNotContain("tns_flagger").doesNotContain("nora");
            assertThat(host.get("/api/v1/me/notifications").text()).contains("statement_of_reasons");
            assertThat(flagger.get("/api/v1/me/notifications").text()).contains("notice_decided");
            assertThat(mod.get("/api/v1/moderation/notices").json().get("notices")).hasSize(2);

            // The host appeals; a moderator other than the first decides, reverses, and the space is listed again.
            String decisionId = statement.get("id").asText();
            assertThat(someone.post("/api/v1/me/statements/" + decisionId + "/appeal", Map.of("explanation",
                    "Not my decision to appeal.")).error()).isEqualTo("statement_not_found");
            Api.Res appeal = host.post("/api/v1/me/statements/" + decisionId + "/appeal", Map.of("explanation",
                    "The speaker quoted a historical speech to criticise it; listen to the minute before."));
            assertThat(appeal.status()).as(appeal.text()).isEqualTo(201);
            assertThat(host.post("/api/v1/me/statements/" + decisionId + "/appeal", Map.of("explanation",
                    "Once more, with feeling.")).error()).isEqualTo("appeal_open");
            JsonNode appeals = mod.get("/api/v1/moderation/appeals").json().get("appeals");
            assertThat(appeals).hasSize(1);
            String appealId = appeals.get(0).get("id").asText();
            assertThat(someone.get("/api/v1/moderation/appeals").error()).isEqualTo("moderators_only");
            assertThat(mod.post("/api/v1/moderation/appeals/" + appealId + "/decision", Map.of("outcome", "reversed",
                    "reply", "I decided this one myself.")).error()).isEqualTo("same_moderator");
            Api.Res reversed = admin.post("/api/v1/moderation/appeals/" + appealId + "/decision", Map.of("outcome", "reversed",
                    "reply", "In context the quote criticises violence; the demotion is lifted."));
            assertThat(reversed.status()).as(reversed.text()).isEqualTo(200);
            assertThat(reversed.json().get("state").asText()).isEqualTo("reversed");
            assertThat(ts.api().get("/api/v1/spaces?state=live").text()).contains(space);
            assertThat(host.get("/api/v1/me/notifications").text()).contains("appeal_decided");
            assertThat(host.get("/api/v1/me/statements").json().at("/statements/0/appeals/0/state").asText()).isEqualTo("reversed");
            assertThat(admin.post("/api/v1/moderation/appeals/" + appealId + "/decision", Map.of("outcome", "upheld",
                    "reply", "Deciding twice is refused.")).error()).isEqualTo("appeal_decided");

            // A demoted scheduled space starts without reminders to its followers, and stays out of every list.
            String reportScheduled = flagger.post("/api/v1/notices", notice("illegal_or_harmful_speech",
                    List.of(Map.of("kind", "space_text", "spaceId", scheduled)), Map.of())).json().get("id").asText();
            assertThat(mod.post("/api/v1/moderation/notices/" + reportScheduled + "/decision", Map.of("action", "demote",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2 Incitement",
                    "explanation", "The title announces a call for violence.")).status()).isEqualTo(201);
            assertThat(ts.api().get("/api/v1/spaces?state=scheduled").text()).doesNotContain(scheduled);
            assertThat(host.post("/api/v1/spaces/" + scheduled + "/start").status()).isEqualTo(200);
            assertThat(someone.get("/api/v1/me/notifications").text()).doesNotContain("space_started");
            assertThat(ts.api().get("/api/v1/spaces?state=live").text()).doesNotContain(scheduled);

            // The anonymous notice about the other live space: the moderator ends it, on a legal ground.
            String anonId = anon.json().get("id").asText();
            assertThat(mod.post("/api/v1/moderation/notices/" + anonId + "/decision", Map.of("action", "ban_everyone",
                    "ground", "terms", "explanation", "Not an action we have.")).error()).isEqualTo("invalid_action");
            assertThat(mod.post("/api/v1/moderation/notices/" + anonId + "/decision", Map.of("action", "end_space",
                    "ground", "illegal", "explanation", "Ongoing incitement to violence.")).error()).isEqualTo("legal_ground_required");
            Api.Res ended = mod.post("/api/v1/moderation/notices/" + anonId + "/decision", Map.of("action", "end_space",
                    "ground", "illegal", "legalGround", "Criminal code, art. 184 (public incitement to violence)",
                    "explanation", "Ongoing incitement to violence in the live audio.", "territorialScope", List.of("GR")));
            assertThat(ended.status()).as(ended.text()).isEqualTo(201);
            assertThat(ts.api().get("/api/v1/spaces/" + other).json().at("/space/state").asText()).isEqualTo("ended");
            JsonNode statements = host.get("/api/v1/me/statements").json().get("statements");
            assertThat(statements).hasSize(3);
            assertThat(statements.get(0).get("action").asText()).isEqualTo("end_space");
            assertThat(statements.get(0).get("legalGround").asText()).contains("art. 184");
            assertThat(statements.get(0).get("territorialScope").get(0).asText()).isEqualTo("GR");
        }
    }
}
