package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stentor speak} streams a tone or a file into a live space, and listeners hear it. */
class SpeakCommandIT {

    static TestServer ts;
    static Api host;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ts = new TestServer();
        host = ts.api().registerAndLogin("speakbot");
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    private String live() {
        return host.post("/api/v1/spaces", Map.of("title", "Bot")).json().at("/space/id").asText();
    }

    @Test
    void aToneStreamedFromTheCommandLineIsHeardByListeners() throws Exception {
        String id = live();
        try (MediaClient listener = MediaClient.listener(ts, id)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> StentorCommand.commandLine().execute(
                    "speak", "--server", ts.baseUrl(), "--space", id, "--token", host.token(), "--tone", "523", "--duration", "3"));
            assertThat(run.get()).isZero();
            short[] pcm = listener.decode(0, 0);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 523, 15)).isGreaterThan(0.5);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void anOggOpusFileIsStreamedInRealTime() throws Exception {
        Path wav = dir.resolve("tone.wav");
        Path opus = dir.resolve("tone.opus");
        Assumptions.assumeTrue(run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav.toString(), "synth", "2", "sine", "660"),
                "sox is needed to make the test file");
        Assumptions.assumeTrue(run("opusenc", "--quiet", "--framesize", "20", wav.toString(), opus.toString()),
                "opusenc is needed to make the test file");
        String id = live();
        try (MediaClient listener = MediaClient.listener(ts, id)) {
            long start = System.nanoTime();
            int code = StentorCommand.commandLine().execute("speak", "--server", ts.baseUrl(), "--space", id,
                    "--token", host.token(), "--file", opus.toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(code).isZero();
            assertThat(seconds).as("real time, not as fast as possible").isBetween(1.9, 4.0);
            await().atMost(Duration.ofSeconds(2)).until(() -> listener.received().size() > 100);
            short[] pcm = listener.decode(0, 0);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 660, 15)).isGreaterThan(0.5);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void aFileWithTheWrongFrameSizeIsRefusedWithAFix() throws Exception {
        Path wav = dir.resolve("t.wav");
        Path opus = dir.resolve("t60.opus");
        Assumptions.assumeTrue(run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav.toString(), "synth", "1", "sine", "440"),
                "sox is needed");
        Assumptions.assumeTrue(run("opusenc", "--quiet", "--framesize", "60", wav.toString(), opus.toString()),
                "opusenc is needed");
        StringWriter err = new StringWriter();
        var cmd = StentorCommand.commandLine();
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("speak", "--space", "x", "--token", "y", "--file", opus.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--framesize 20");
    }

    @Test
    void speakingIntoASpaceYouAreNotOnStageOfSaysSo() {
        String id = live();
        Api other = ts.api().registerAndLogin("notonstage");
        StringWriter err = new StringWriter();
        var cmd = StentorCommand.commandLine();
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("speak", "--server", ts.baseUrl(), "--space", id, "--token", other.token(), "--tone", "440"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cannot connect").contains("stage");
        host.post("/api/v1/spaces/" + id + "/end");
    }

    private static boolean run(String... command) throws Exception {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException missing) {
            return false;
        }
    }
}
