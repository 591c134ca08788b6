package io.stentor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.config.Setting;
import io.stentor.config.Settings;
import io.stentor.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The docs a newcomer follows stay true: every setting is documented, and the README's curl session runs. */
class DocumentationIT {

    @Test
    void operationsGuideListsEverySettingWithItsDefault() throws Exception {
        String ops = Files.readString(Path.of("docs/OPERATIONS.md"));
        for (Setting s : Settings.ALL) {
            String row = ops.lines().filter(l -> l.startsWith("| `" + s.key() + "` ")).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/OPERATIONS.md has no row for " + s.key()));
            assertThat(row).contains("`" + s.environmentVariable() + "`").contains("`" + s.flag() + "`");
            assertThat(row).contains(s.defaultValue().isEmpty() ? "*(empty)*" : "`" + s.defaultValue() + "`");
        }
    }

    @Test
    void theReadmeCurlSessionRunsAsWritten() throws Exception {
        Assumptions.assumeTrue(onPath("curl") && onPath("jq"), "curl and jq are needed to run the README session");
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```sh", readme.indexOf("## Try it with curl"));
        String script = readme.substring(start + 5, readme.indexOf("```", start + 5));
        try (TestServer ts = new TestServer()) {
            script = script.replace("B=http://localhost:8080", "B=" + ts.baseUrl());
            Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).containsPattern("\"\\d{4}-\\d\\d-\\d\\dT20:30:00Z\"").contains("\"live\"").contains("\"ended\"")
                    .contains("\"handle\": \"bob\"").contains("\"muted\": true").contains("\"listeners\": 0");
            assertThat(out).doesNotContain("\"error\"");
        }
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    }
}
