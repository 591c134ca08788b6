package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stentor loadtest} against a real server, with a synthetic speaker, as a user runs it. */
class LoadTestCommandIT {

    @TempDir
    Path dir;

    @Test
    void aSmallCrowdOnBothTiersHearsTheSyntheticSpeakerInRealTime() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("loadhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Loaded")).json().at("/space/id").asText();
            for (String tier : new String[] {"ws", "ogg"}) {
                Path json = dir.resolve(tier + ".json");
                StringWriter out = new StringWriter();
                var cmd = StentorCommand.commandLine();
                cmd.setOut(new PrintWriter(out));
                int code = cmd.execute("loadtest", "--server", ts.baseUrl(), "--space", id, "--tier", tier,
                        "--listeners", "30", "--arrival-rate", "100", "--warmup", "1.5", "--hold", "2",
                        "--speak-token", host.token(), "--server-pid", Long.toString(ProcessHandle.current().pid()),
                        "--json", json.toString());
                assertThat(code).isZero();
                JsonNode r = io.stentor.server.Json.MAPPER.readTree(Files.readAllBytes(json));
                assertThat(r.get("joined").asInt()).as(tier).isEqualTo(30);
                assertThat(r.get("starved").asInt()).as(tier).isZero();
                assertThat(r.get("serverCpuCores").asDouble()).as(tier).isGreaterThan(0);
                if (tier.equals("ws")) {
                    assertThat(r.at("/latencyMillis/p50").asDouble()).isBetween(20.0, 500.0);
                    assertThat(r.get("framesLost").asLong()).isLessThan(r.get("framesExpected").asLong() / 50);
                }
            }
        }
    }
}
