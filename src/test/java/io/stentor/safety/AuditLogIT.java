package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.cli.StentorCommand;
import io.stentor.config.ConfigSources;
import io.stentor.store.Database;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every notice and decision lands in the hash-chained audit log; `stentor audit verify` catches tampering. */
class AuditLogIT {

    record Run(int code, String out, String err) {
    }

    static Run verify(Path data) {
        CommandLine cmd = StentorCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("audit", "verify", "--data-dir", data.toString());
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void moderationActionsAreChainedAndAnEditedOrDeletedEntryIsCaught(@TempDir Path data) {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "audit_mod", "--role", "moderator",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api mod = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                    Map.of("handle", "audit_mod", "password", "a very long secret")).json().get("token").asText());
            Api host = ts.api().registerAndLogin("audit_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "On the record")).json().at("/space/id").asText();
            for (int i = 0; i < 3; i++) {
                String id = ts.api().post("/api/v1/notices", Map.of("category", "violence", "goodFaith", true,
                        "explanation", "Threats at minute " + i + ".", "name", "Ann", "email", "ann@example.org",
                        "items", List.of(Map.of("kind", "space_audio", "spaceId", space)))).json().get("id").asText();
                assertThat(mod.post("/api/v1/moderation/notices/" + id + "/decision", Map.of("action", "no_action",
                        "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2",
                        "explanation", "Heated, but within the terms.")).status()).isEqualTo(201);
            }
        }
        Run ok = verify(data);
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("audit log intact: 6 entries");

        try (Database db = Database.open(ConfigSources.defaultsWith(Map.of("data.dir", data.toString())).db())) {
            List<String> actions = db.jdbi().withHandle(h -> h.createQuery("SELECT action FROM audit_log ORDER BY seq")
                    .mapTo(String.class).list());
            assertThat(actions).containsExactly("notice.received", "decision.no_action",
                    "notice.received", "decision.no_action", "notice.received", "decision.no_action");
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_log SET details = 'nothing to see' WHERE seq = 4"));
        }
        Run edited = verify(data);
        assertThat(edited.code()).isEqualTo(1);
        assertThat(edited.err()).contains("broken at entry 4").contains("changed");

        try (Database db = Database.open(ConfigSources.defaultsWith(Map.of("data.dir", data.toString())).db())) {
            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE seq IN (3, 4)"));
        }
        Run deleted = verify(data);
        assertThat(deleted.code()).isEqualTo(1);
        assertThat(deleted.err()).contains("entry 3 is missing");
    }
}
