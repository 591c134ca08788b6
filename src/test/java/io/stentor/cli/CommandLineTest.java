package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.config.Setting;
import io.stentor.config.Settings;
import io.stentor.config.StentorConfig;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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
    void serveTakesDefaultsThenTheConfigFileThenTheEnvironmentThenItsFlags() throws Exception {
        Path file = data.resolve("stentor.properties");
        java.nio.file.Files.writeString(file, "http.port = 9100\nhttp.idle-timeout = 2m\nauth.session-ttl = 7d\n"
                + "http.max-body-bytes = 2048\n");
        CommandLine cmd = StentorCommand.commandLine();
        var serve = cmd.parseArgs("serve", "--config", file.toString(), "--http-max-body-bytes", "4096",
                "--auth-session-ttl", "30m").subcommand().commandSpec();
        StentorConfig cfg = ConfigOptions.load(serve, Map.of("STENTOR_HTTP_PORT", "9200", "STENTOR_AUTH_SESSION_TTL", "12h"));
        assertThat(cfg.http().idleTimeout()).isEqualTo(Duration.ofMinutes(2));   // file over default
        assertThat(cfg.http().port()).isEqualTo(9200);                            // environment over file
        assertThat(cfg.auth().sessionTtl()).isEqualTo(Duration.ofMinutes(30));    // flag over environment
        assertThat(cfg.http().maxBodyBytes()).isEqualTo(4096);                   // flag over file
        assertThat(cfg.http().headerReadTimeout()).isEqualTo(Duration.ofSeconds(10)); // default

        // A mistake in any source names the setting and stops the command with one line.
        StringWriter err = new StringWriter();
        CommandLine bad = StentorCommand.commandLine();
        bad.setErr(new PrintWriter(err));
        assertThat(bad.execute("serve", "--http-port", "eighty", "--data-dir", data.toString())).isNotZero();
        assertThat(err.toString()).contains("http.port").doesNotContain("\tat ");
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
