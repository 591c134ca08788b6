package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.config.Setting;
import io.stentor.config.Settings;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    @TempDir
    Path data;

    @Test
    void serveHelpListsEverySetting() {
        StringWriter out = new StringWriter();
        CommandLine cmd = StentorCommand.commandLine();
        cmd.setOut(new PrintWriter(out));
        assertThat(cmd.execute("serve", "--help")).isZero();
        for (Setting s : Settings.ALL) {
            assertThat(out.toString()).contains(s.flag()).contains(s.environmentVariable());
        }
        assertThat(out.toString()).contains("--config");
    }

    @Test
    void theFirstAdminIsCreatedFromTheCommandLineAndCanPromoteOthers() {
        CommandLine cmd = StentorCommand.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("admin", "create-user", "--handle", "root_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        assertThat(code).as(err.toString()).isZero();

        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api.Res login = ts.api().post("/api/v1/auth/tokens", Map.of("handle", "root_admin", "password", "a very long secret"));
            assertThat(login.status()).isEqualTo(201);
            assertThat(login.json().at("/user/role").asText()).isEqualTo("admin");
            Api admin = ts.api().withToken(login.json().get("token").asText());
            ts.api().registerAndLogin("future_mod");
            Api.Res promoted = admin.put("/api/v1/users/future_mod/role", Map.of("role", "moderator"));
            assertThat(promoted.status()).isEqualTo(200);
            assertThat(promoted.json().get("role").asText()).isEqualTo("moderator");
            Api.Res selfDemote = admin.put("/api/v1/users/root_admin/role", Map.of("role", "user"));
            assertThat(selfDemote.status()).isEqualTo(409);
            assertThat(selfDemote.error()).isEqualTo("last_admin");
        }
    }

    @Test
    void aTakenHandleOnTheCommandLineIsOneClearLine() {
        String[] args = {"admin", "create-user", "--handle", "twice", "--password", "a very long secret",
                "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024"};
        assertThat(StentorCommand.commandLine().execute(args)).isZero();
        CommandLine again = StentorCommand.commandLine();
        StringWriter err = new StringWriter();
        again.setErr(new PrintWriter(err));
        assertThat(again.execute(args)).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("stentor: The handle twice is already taken.");
    }
}
