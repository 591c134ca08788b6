package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.server.Json;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stentor flood} as an operator runs it: what it refuses to do, and a short drill with its JSON report. */
class FloodCommandIT {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run flood(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = StentorCommand.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "flood";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cmd.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aTargetOutsideLoopbackIsRefusedWithoutAllowRemote() {
        Run r = flood("--server", "http://93.184.216.34:8080", "--kind", "junk", "--duration", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("refusing to target 93.184.216.34").contains("--allow-remote");
    }

    @Test
    void boundsAreEnforcedBeforeAnythingIsSent() {
        String s = "http://127.0.0.1:9";
        assertThat(flood("--server", s, "--kind", "junk", "--duration", "601").err()).contains("--duration must be in (0, 600] s");
        assertThat(flood("--server", s, "--kind", "junk", "--count", "1000001").err()).contains("--count must be 1..1000000");
        assertThat(flood("--server", s, "--kind", "junk", "--rate", "20001").err()).contains("--rate must be in (0, 20000]");
        assertThat(flood("--server", s, "--kind", "junk", "--connections", "100000000").err())
                .contains("--connections must be 1..");
        assertThat(flood("--server", s, "--kind", "reconnect-storm").err()).contains("need --space");
        Run bogus = flood("--server", s, "--kind", "junk,bogus");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err()).contains("unknown --kind 'bogus'");
    }

    @Test
    void aShortDrillPrintsASummaryPerKindAndWritesTheSameAsJson() throws Exception {
        try (TestServer ts = new TestServer()) {
            Path json = dir.resolve("flood.json");
            long t0 = System.nanoTime();
            Run r = flood("--server", ts.baseUrl(), "--kind", "junk,logins", "--rate", "20", "--duration", "1",
                    "--count", "15", "--json", json.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(8);
            assertThat(r.out()).contains("junk ").contains("logins ").contains("status   400").contains("latency  p50");
            JsonNode report = Json.MAPPER.readTree(Files.readAllBytes(json));
            assertThat(report.at("/kinds/0/kind").asText()).isEqualTo("junk");
            assertThat(report.at("/kinds/0/attempts").asLong()).isEqualTo(15);
            assertThat(report.at("/kinds/1/byStatus/401").asLong()).isEqualTo(15); // loopback is exempt by default
            assertThat(report.at("/kinds/1/latencyMillis/p99").asDouble()).isPositive();
        }
    }
}
