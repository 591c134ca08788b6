package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restrictions become Transparency Database statements with the API's field names, values and no personal data. */
class TransparencyExportIT {

    @Test
    void restrictionsAreExportedAsStatementsWithoutPersonalData(@TempDir Path data, @TempDir Path out) throws Exception {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "tdb_mod", "--role", "moderator",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "tdb_flagger", "--display-name",
                "Hotline Europe", "--role", "trusted_flagger", "--password", "a very long secret", "--data-dir", data.toString(),
                "--auth-argon2-memory-kib", "1024");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api mod = login(ts, "tdb_mod");
            Api flagger = login(ts, "tdb_flagger");
            Api host = ts.api().registerAndLogin("tdb_host");
            String a = host.post("/api/v1/spaces", Map.of("title", "First")).json().at("/space/id").asText();
            String b = host.post("/api/v1/spaces", Map.of("title", "Second")).json().at("/space/id").asText();
            String c = host.post("/api/v1/spaces", Map.of("title", "Third")).json().at("/space/id").asText();
            String fromFlagger = flagger.post("/api/v1/notices", notice("illegal_or_harmful_speech", a)).json().get("id").asText();
            String fromAnyone = ts.api().post("/api/v1/notices", withNotifier(notice("child_sexual_abuse_material", b)))
                    .json().get("id").asText();
            String harmless = ts.api().post("/api/v1/notices", withNotifier(notice("other", c))).json().get("id").asText();
            assertThat(mod.post("/api/v1/moderation/notices/" + fromFlagger + "/decision", Map.of("action", "demote",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2 Incitement",
                    "explanation", "Incitement at 1:00-1:35.", "territorialScope", List.of("EU"))).status()).isEqualTo(201);
            assertThat(mod.post("/api/v1/moderation/notices/" + fromAnyone + "/decision", Map.of("action", "end_space",
                    "ground", "illegal", "legalGround", "Directive 2011/93/EU, art. 5", "explanation", "Live abuse material.",
                    "territorialScope", List.of("GR", "CY"), "automatedDetection", true, "automatedDecision", "partially"))
                    .status()).isEqualTo(201);
            assertThat(mod.post("/api/v1/moderation/notices/" + harmless + "/decision", Map.of("action", "no_action",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.1", "explanation", "Nothing illegal here."))
                    .status()).isEqualTo(201);
        }

        StringWriter said = new StringWriter();
        var cmd = StentorCommand.commandLine();
        cmd.setOut(new PrintWriter(said));
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("tdb", "export", "--since", LocalDate.now(ZoneOffset.UTC).toString(), "--out", out.toString(),
                "--data-dir", data.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(said.toString()).contains("2 statements in 1 files");
        String text = Files.readString(out.resolve("statements-0001.json"));
        assertThat(text).doesNotContain("null").doesNotContain("example.org").doesNotContain("Nora").doesNotContain("tdb_host");
        JsonNode statements = Api.JSON.readTree(text).get("statements");
        assertThat(statements).hasSize(2);

        JsonNode demoted = statements.get(0);
        assertThat(demoted.get("puid").asText()).matches("^[a-zA-Z0-9-_]+$");
        assertThat(demoted.get("decision_visibility").get(0).asText()).isEqualTo("DECISION_VISIBILITY_CONTENT_DEMOTED");
        assertThat(demoted.get("decision_ground").asText()).isEqualTo("DECISION_GROUND_INCOMPATIBLE_CONTENT");
        assertThat(demoted.get("incompatible_content_ground").asText()).contains("2026-01").contains("4.2");
        assertThat(demoted.get("content_type").get(0).asText()).isEqualTo("CONTENT_TYPE_AUDIO");
        assertThat(demoted.get("category").asText()).isEqualTo("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
        assertThat(demoted.get("territorial_scope")).hasSize(27);
        assertThat(demoted.get("territorial_scope").toString()).contains("\"GR\"").doesNotContain("\"EL\"");
        assertThat(demoted.get("content_language").asText()).matches("[A-Z]{2}");
        assertThat(demoted.get("content_date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(demoted.get("application_date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(demoted.get("source_type").asText()).isEqualTo("SOURCE_TRUSTED_FLAGGER");
        assertThat(demoted.get("source_identity").asText()).isEqualTo("Hotline Europe");
        assertThat(demoted.get("automated_detection").asText()).isEqualTo("No");
        assertThat(demoted.get("automated_decision").asText()).isEqualTo("AUTOMATED_DECISION_NOT_AUTOMATED");
        assertThat(demoted.has("illegal_content_legal_ground")).isFalse();

        JsonNode ended = statements.get(1);
        assertThat(ended.get("decision_visibility").get(0).asText()).isEqualTo("DECISION_VISIBILITY_CONTENT_DISABLED");
        assertThat(ended.get("decision_ground").asText()).isEqualTo("DECISION_GROUND_ILLEGAL_CONTENT");
        assertThat(ended.get("illegal_content_legal_ground").asText()).isEqualTo("Directive 2011/93/EU, art. 5");
        assertThat(ended.get("category").asText()).isEqualTo("STATEMENT_CATEGORY_PROTECTION_OF_MINORS");
        assertThat(ended.get("category_specification").get(0).asText()).isEqualTo("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL");
        List<String> scope = new ArrayList<>();
        ended.get("territorial_scope").forEach(n -> scope.add(n.asText()));
        assertThat(scope).containsExactly("GR", "CY");
        assertThat(ended.get("source_type").asText()).isEqualTo("SOURCE_ARTICLE_16");
        assertThat(ended.has("source_identity")).isFalse();
        assertThat(ended.get("automated_detection").asText()).isEqualTo("Yes");
        assertThat(ended.get("automated_decision").asText()).isEqualTo("AUTOMATED_DECISION_PARTIALLY");
    }

    static Api login(TestServer ts, String handle) {
        return ts.api().withToken(ts.api().post("/api/v1/auth/tokens", Map.of("handle", handle, "password", "a very long secret"))
                .json().get("token").asText());
    }

    static Map<String, Object> notice(String category, String space) {
        return new java.util.HashMap<>(Map.of("category", category, "goodFaith", true, "explanation", "What I heard there is illegal.",
                "items", List.of(Map.of("kind", "space_audio", "spaceId", space, "fromMs", 60_000, "toMs", 95_000))));
    }

    static Map<String, Object> withNotifier(Map<String, Object> n) {
        n.put("name", "Nora Notifier");
        n.put("email", "nora@example.org");
        return n;
    }
}
