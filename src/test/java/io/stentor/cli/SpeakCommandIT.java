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
        Path opus = toneFile("tone", 2, 660);
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
    void aLoopedFileStartsAgainWithoutAGapUntilTheDurationIsUp() throws Exception {
        Path opus = toneFile("second", 1, 660);
        String id = live();
        try (MediaClient listener = MediaClient.listener(ts, id)) {
            long start = System.nanoTime();
            int code = StentorCommand.commandLine().execute("speak", "--server", ts.baseUrl(), "--space", id,
                    "--token", host.token(), "--file", opus.toString(), "--loop", "--duration", "3");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(code).isZero();
            assertThat(seconds).as("three passes of a one-second file, in real time").isBetween(2.9, 4.5);
            Thread.sleep(300); // the last frames leave the jitter buffer
            short[] pcm = listener.decode(0, 0);
            int firstLoud = -1;
            int lastLoud = -1;
            for (int f = 0; f + 960 <= pcm.length; f += 960) {
                if (Tones.rms(pcm, f, f + 960) > 0.05) {
                    firstLoud = firstLoud < 0 ? f / 960 : firstLoud;
                    lastLoud = f / 960;
                }
            }
            assertThat(lastLoud - firstLoud + 1).as("frames of tone heard (the file holds ~50)").isBetween(140, 160);
            for (int f = firstLoud; f <= lastLoud; f++) {
                assertThat(Tones.rms(pcm, f * 960, (f + 1) * 960)).as("frame %d: no gap where the file starts again", f)
                        .isGreaterThan(0.05);
            }
            assertThat(Tones.shareAt(pcm, firstLoud * 960, (lastLoud + 1) * 960, 660, 15)).isGreaterThan(0.8);
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

    /** A mono Ogg Opus file of 20 ms packets holding a half-scale sine tone (made with sox and opusenc). */
    private Path toneFile(String name, int seconds, double hz) throws Exception {
        Path wav = dir.resolve(name + ".wav");
        Path opus = dir.resolve(name + ".opus");
        Assumptions.assumeTrue(run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav.toString(), "synth",
                Integer.toString(seconds), "sine", Double.toString(hz), "vol", "0.5"), "sox is needed to make the test file");
        Assumptions.assumeTrue(run("opusenc", "--quiet", "--framesize", "20", wav.toString(), opus.toString()),
                "opusenc is needed to make the test file");
        return opus;
    }

    private static boolean run(String... command) throws Exception {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException missing) {
            return false;
        }
    }
}
