package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every live space is recorded as it happens; the replay is published (or held), served with ranges, removable. */
class RecordingIT {

    @TempDir
    Path scratch;

    @Test
    void theRecordingLastsAsLongAsTheSpaceAndPlaysInFfprobe() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("rechost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Recorded")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                // ffprobe reads the live HTTP stream as Opus.
                Path live = scratch.resolve("live.opus");
                Files.write(live, MediaPlaneIT.readFor(ts.baseUrl() + "/spaces/" + id + "/live.opus", 1500));
                assertThat(ffprobe(live).at("/streams/0/codec_name").asText()).isEqualTo("opus");
                Thread.sleep(2000);
            }
            JsonNode ended = host.post("/api/v1/spaces/" + id + "/end").json();
            double spaceSeconds = Duration.between(Instant.parse(ended.get("startedAt").asText()),
                    Instant.parse(ended.get("endedAt").asText())).toMillis() / 1000.0;

            HttpResponse<byte[]> whole = get(ts.baseUrl() + "/spaces/" + id + "/replay.opus", null);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("accept-ranges")).contains("bytes");
            Path file = scratch.resolve("replay.opus");
            Files.write(file, whole.body());
            JsonNode probe = ffprobe(file);
            assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
            assertThat(probe.at("/streams/0/channels").asInt()).isEqualTo(1);
            assertThat(probe.at("/format/duration").asDouble()).isCloseTo(spaceSeconds, org.assertj.core.data.Offset.offset(1.0));
            assertThat(new ProcessBuilder("opusdec", "--quiet", file.toString(), scratch.resolve("x.wav").toString())
                    .start().waitFor()).isZero();
            short[] pcm = MediaPlaneIT.decodeAll(packets(whole.body()));
            assertThat(Tones.shareAt(pcm, 48_000, 96_000, 440, 15)).isGreaterThan(0.8);

            // Ranges: a player seeking.
            HttpResponse<byte[]> part = get(ts.baseUrl() + "/spaces/" + id + "/replay.opus", "bytes=100-199");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("content-range")).contains("bytes 100-199/" + whole.body().length);
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 100, 200));
            assertThat(get(ts.baseUrl() + "/spaces/" + id + "/replay.opus", "bytes=99999999-").statusCode()).isEqualTo(416);
            assertThat(get(ts.baseUrl() + "/spaces/" + id + "/replay.opus", "bytes=-100").body())
                    .isEqualTo(java.util.Arrays.copyOfRange(whole.body(), whole.body().length - 100, whole.body().length));
            assertThat(get(ts.baseUrl() + "/spaces/" + id + "/replay.opus", "bytes=50-10").statusCode())
                    .as("a reversed range is ignored").isEqualTo(200);

            JsonNode listed = ts.api().get("/api/v1/spaces?state=ended").json().at("/spaces/0/replay");
            assertThat(listed.get("url").asText()).isEqualTo("/spaces/" + id + "/replay.opus");
            assertThat(listed.get("durationMillis").asLong() / 1000.0).isCloseTo(spaceSeconds, org.assertj.core.data.Offset.offset(1.0));
            assertThat(listed.get("published").asBoolean()).isTrue();
        }
    }

    @Test
    void aHeldReplayIsPrivateUntilPublishedAndCanBeRemoved() throws Exception {
        Path elsewhere = scratch.resolve("elsewhere");
        try (TestServer ts = new TestServer(Map.of("media.recordings-dir", elsewhere.toString()))) {
            Api host = ts.api().registerAndLogin("holdhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Held", "recordingPolicy", "hold_until_published"))
                    .json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                Thread.sleep(1000);
            }
            host.post("/api/v1/spaces/" + id + "/end");
            assertThat(ts.api().get("/spaces/" + id + "/replay.opus").error()).isEqualTo("replay_not_published");
            assertThat(host.get("/spaces/" + id + "/replay.opus").status()).isEqualTo(200);
            assertThat(ts.api().registerAndLogin("nosy").post("/api/v1/spaces/" + id + "/replay/publish").status())
                    .isEqualTo(403);
            assertThat(host.post("/api/v1/spaces/" + id + "/replay/publish").json().get("published").asBoolean()).isTrue();
            assertThat(ts.api().get("/spaces/" + id + "/replay.opus").status()).isEqualTo(200);

            Path file = elsewhere.resolve(id + ".opus");
            assertThat(file).as("recorded in the configured directory").exists();
            assertThat(host.delete("/api/v1/spaces/" + id + "/replay").status()).isEqualTo(204);
            assertThat(file).doesNotExist();
            assertThat(ts.api().get("/spaces/" + id + "/replay.opus").error()).isEqualTo("no_replay");
        }
    }

    @Test
    void aServerKilledMidSpaceLeavesAPlayableRecordingThatContinuesAfterRestart() throws Exception {
        Path data = scratch.resolve("data");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.stentor.cli.StentorCommand", "serve", "--http-host", "127.0.0.1", "--http-port", Integer.toString(port),
                "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024", "--auth-argon2-iterations", "1")
                .redirectErrorStream(true).redirectOutput(scratch.resolve("server.log").toFile()).start();
        String id;
        Api host;
        Instant wentLive;
        Instant killedAt;
        try {
            Api api = new Api("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> api.get("/healthz").status() == 200);
            host = api.registerAndLogin("crashhost");
            JsonNode space = host.post("/api/v1/spaces", Map.of("title", "Crash")).json().at("/space");
            id = space.get("id").asText();
            wentLive = Instant.parse(space.get("startedAt").asText());
            try (MediaClient mic = MediaClient.speakerAt(api.base(), id, host.token()).sendTone(440)) {
                Thread.sleep(3000);
                killedAt = Instant.now();
                server.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            server.destroyForcibly();
        }

        // What was written before the kill plays.
        Path file = data.resolve("recordings").resolve(id + ".opus");
        List<byte[]> before = packets(Files.readAllBytes(file));
        double liveSeconds = Duration.between(wentLive, killedAt).toMillis() / 1000.0;
        assertThat(before.size() / 50.0).as("seconds recorded of the %.2f s live before the kill: at most the last one lost",
                liveSeconds).isBetween(liveSeconds - 1.0, liveSeconds + 0.1);
        assertThat(ffprobe(file).at("/streams/0/codec_name").asText()).isEqualTo("opus");

        // Restarted on the same data, the space is still live and its recording goes on in the same file.
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api again = ts.api().withToken(host.token());
            assertThat(again.get("/api/v1/spaces/" + id).json().at("/space/state").asText()).isEqualTo("live");
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(660)) {
                Thread.sleep(1500);
            }
            again.post("/api/v1/spaces/" + id + "/end");
            List<byte[]> after = packets(Files.readAllBytes(file));
            assertThat(after.size()).isGreaterThan(before.size() + 50);
            short[] pcm = MediaPlaneIT.decodeAll(after);
            int cut = before.size() * 960;
            assertThat(Tones.shareAt(pcm, 0, cut - 9600, 440, 15)).as("first part").isGreaterThan(0.7);
            assertThat(Tones.shareAt(pcm, cut + 9600, pcm.length - 9600, 660, 15)).as("after restart").isGreaterThan(0.5);
            assertThat(ffprobe(file).at("/format/duration").asDouble()).isCloseTo(after.size() / 50.0,
                    org.assertj.core.data.Offset.offset(0.5));
        }
    }

    static List<byte[]> packets(byte[] ogg) throws Exception {
        OggOpusReader reader = new OggOpusReader(new ByteArrayInputStream(ogg));
        List<byte[]> out = new ArrayList<>();
        for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
            out.add(p.get().data());
        }
        return out;
    }

    static JsonNode ffprobe(Path file) throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v ffprobe").start().waitFor() == 0,
                "ffprobe is not installed (apt-get install ffmpeg)");
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_name,sample_rate,channels:format=duration", "-of", "json", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return Api.JSON.readTree(out);
    }

    static HttpResponse<byte[]> get(String url, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (range != null) {
            b.header("Range", range);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
