package io.stentor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @TempDir
    Path dir;

    @Test
    void laterSourcesWinDefaultsFileEnvironmentFlags() throws Exception {
        Path file = dir.resolve("stentor.properties");
        Files.writeString(file, "http.port = 9000\nhttp.idle-timeout = 2m\nauth.session-ttl = 7d\n");
        StentorConfig cfg = ConfigSources.load(file,
                Map.of("STENTOR_HTTP_PORT", "9100", "STENTOR_AUTH_SESSION_TTL", "12h"),
                Map.of("auth.session-ttl", "30m"));
        assertThat(cfg.http().port()).isEqualTo(9100);                       // env over file
        assertThat(cfg.http().idleTimeout()).isEqualTo(Duration.ofMinutes(2)); // file over default
        assertThat(cfg.auth().sessionTtl()).isEqualTo(Duration.ofMinutes(30)); // flag over env
        assertThat(cfg.http().maxBodyBytes()).isEqualTo(1_048_576);           // default
    }

    @Test
    void theDefaultIsAnEmbeddedDatabaseInTheDataDirectory() {
        StentorConfig cfg = ConfigSources.defaultsWith(Map.of());
        assertThat(cfg.http().port()).isEqualTo(8080);
        assertThat(cfg.db().effectiveUrl()).startsWith("jdbc:h2:file:").contains("data");
    }

    @Test
    void mistakesNameTheSetting() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "http.prot = 9000\n");
        assertThatThrownBy(() -> ConfigSources.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
        assertThatThrownBy(() -> ConfigSources.defaultsWith(Map.of("http.port", "eighty")))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigSources.defaultsWith(Map.of("http.idle-timeout", "soon")))
                .hasMessageContaining("http.idle-timeout");
        assertThatThrownBy(() -> ConfigSources.load(dir.resolve("missing.properties"), Map.of(), Map.of()))
                .hasMessageContaining("not found");
    }

    @Test
    void everySettingHasAFlagAndAnEnvironmentVariable() {
        Setting s = Settings.byKey("http.max-body-bytes").orElseThrow();
        assertThat(s.flag()).isEqualTo("--http-max-body-bytes");
        assertThat(s.environmentVariable()).isEqualTo("STENTOR_HTTP_MAX_BODY_BYTES");
    }
}
