package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.support.Api;
import io.stentor.support.EventsClient;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audio through the real server: speakers send tones over the media WebSocket, the mixer mixes on
 * its clock, listeners decode what arrives and find the tones.
 */
class MediaPlaneIT {

    static TestServer ts;

    @TempDir
    Path scratch;
    static Api host;
    static Api guest;

    @BeforeAll
    static void start() {
        ts = new TestServer();
        host = ts.api().registerAndLogin("mixhost");
        guest = ts.api().registerAndLogin("mixguest");
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    /** A live space with the host and the guest on stage. */
    static String liveSpaceWithTwoSpeakers(String title) {
        String id = host.post("/api/v1/spaces", Map.of("title", title)).json().at("/space/id").asText();
        assertThat(host.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", "mixguest")).status()).isEqualTo(204);
        assertThat(guest.post("/api/v1/spaces/" + id + "/invites/accept").status()).isEqualTo(204);
        return id;
    }

    @Test
    void twoSpeakersAreMixedForListenersAndHearEachOtherButNotThemselves() throws Exception {
        String id = liveSpaceWithTwoSpeakers("Two tones");
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient a = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient b = MediaClient.speaker(ts, id, guest.token()).sendTone(660)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 100);
            Thread.sleep(1000);

            // The listener hears one mixed stream (source 0) containing both tones.
            assertThat(listener.received()).allMatch(r -> r.source() == 0);
            List<MediaClient.Received> frames = listener.received();
            for (int i = 1; i < frames.size(); i++) {
                assertThat(frames.get(i).sequence()).isEqualTo(frames.get(i - 1).sequence() + 1);
            }
            short[] mix = listener.decode(0, 50); // skip the first second (start-up)
            int n = mix.length;
            assertThat(Tones.shareAt(mix, 0, n, 440, 15)).as("440 Hz in the mix").isGreaterThan(0.25);
            assertThat(Tones.shareAt(mix, 0, n, 660, 15)).as("660 Hz in the mix").isGreaterThan(0.25);

            // Each speaker gets the other's own packets (one non-zero source), never their own.
            assertThat(a.received()).isNotEmpty();
            assertThat(b.received()).isNotEmpty();
            int aSource = a.received().get(0).source();
            int bSource = b.received().get(0).source();
            assertThat(aSource).isNotZero().isNotEqualTo(bSource);
            short[] heardByA = a.decode(aSource, 25);
            short[] heardByB = b.decode(bSource, 25);
            assertThat(Tones.shareAt(heardByA, 0, heardByA.length, 660, 15)).as("A hears B's 660 Hz").isGreaterThan(0.8);
            assertThat(Tones.shareAt(heardByA, 0, heardByA.length, 440, 15)).as("A does not hear itself").isLessThan(0.05);
            assertThat(Tones.shareAt(heardByB, 0, heardByB.length, 440, 15)).as("B hears A's 440 Hz").isGreaterThan(0.8);
            assertThat(b.texts()).anyMatch(t -> t.contains("\"slots\"") && t.contains("mixhost"));
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void theHttpStreamIsValidOggOpusFromItsFirstByte() throws Exception {
        String id = liveSpaceWithTwoSpeakers("Ogg");
        try (MediaClient a = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
            Thread.sleep(600); // join mid-stream, not at the start
            byte[] bytes = readFor(ts.baseUrl() + "/spaces/" + id + "/live.opus", 2500);
            OggOpusReader reader = new OggOpusReader(new ByteArrayInputStream(bytes));
            assertThat(reader.head().channels()).isEqualTo(1);
            assertThat(reader.head().inputSampleRate()).isEqualTo(48_000);
            assertThat(reader.tags().comments()).contains("TITLE=Ogg");
            List<byte[]> packets = new ArrayList<>();
            try {
                for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                    packets.add(p.get().data());
                }
            } catch (java.io.EOFException cutMidPage) {
                // we hung up in the middle of a page: everything before it was whole
            }
            assertThat(packets.size()).isGreaterThan(50);
            short[] pcm = decodeAll(packets);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 440, 15)).isGreaterThan(0.6);

            // The players' own libraries (libavformat, libogg/libopusfile) take the joiner's bytes too,
            // up to the last whole page (we hung up in the middle of the next).
            Path joined = scratch.resolve("joined.opus");
            Files.write(joined, java.util.Arrays.copyOf(bytes, lastPageStart(bytes)));
            assertThat(RecordingIT.ffprobe(joined).at("/streams/0/codec_name").asText()).isEqualTo("opus");
            Path wav = scratch.resolve("joined.wav");
            Process opusdec = new ProcessBuilder("opusdec", "--quiet", joined.toString(), wav.toString())
                    .redirectErrorStream(true).start();
            String said = new String(opusdec.getInputStream().readAllBytes());
            assertThat(opusdec.waitFor()).as(said).isZero();
            assertThat(Files.size(wav) / 96_000.0).as("seconds opusdec decoded (16-bit, 48 kHz)").isGreaterThan(1.5);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void everyoneGetsTheSpeakersCaptureTimeAndTheServerAddedLatencyIsAHistogram() throws Exception {
        String id = liveSpaceWithTwoSpeakers("Clocks");
        // A's clock is 10 s behind the server's: only A's own stamps can explain what arrives.
        Duration skew = Duration.ofSeconds(-10);
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient a = MediaClient.speaker(ts, id, host.token()).captureClockOffset(skew).sendTone(440);
             MediaClient b = MediaClient.speaker(ts, id, guest.token())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> b.received().size() >= 50 && listener.received().size() >= 100);

            // B gets A's packets exactly as A sent them: sequence number, capture time and Opus bytes.
            Map<Integer, MediaClient.Received> sentByA = new java.util.HashMap<>();
            a.sentFrames().forEach(f -> sentByA.put(f.sequence(), f));
            for (MediaClient.Received forwarded : b.received()) {
                MediaClient.Received original = sentByA.get(forwarded.sequence());
                assertThat(original).as("A sent frame %d", forwarded.sequence()).isNotNull();
                assertThat(forwarded.captureMicros()).isEqualTo(original.captureMicros());
                assertThat(forwarded.opus()).as("forwarded, not re-encoded").isEqualTo(original.opus());
            }

            // The listener's mix carries the capture time of A's audio in it: ~10 s before it arrives,
            // plus what the server added (the jitter buffer, a tick), never less.
            List<MediaClient.Received> all = List.copyOf(listener.received()); // a snapshot: frames keep arriving
            List<MediaClient.Received> recent = all.subList(all.size() - 25, all.size());
            long nowMicros = System.currentTimeMillis() * 1000;
            long nowNanos = System.nanoTime();
            for (MediaClient.Received r : recent) {
                long arrivedMicros = nowMicros - (nowNanos - r.receivedNanos()) / 1000;
                assertThat(arrivedMicros - r.captureMicros()).as("capture to arrival, µs")
                        .isBetween(9_990_000L, 11_000_000L);
            }
        }
        // The server-added latency is measured from arrival, so A's clock does not skew it.
        String metrics = ts.api().get("/metrics").text();
        assertThat(metrics).containsPattern("stentor_media_server_latency_seconds_bucket\\{le=\"[0-9.]+\"} [1-9]");
        double count = metric(metrics, "stentor_media_server_latency_seconds_count");
        double sum = metric(metrics, "stentor_media_server_latency_seconds_sum");
        assertThat(count).isPositive();
        assertThat(sum / count).as("mean server-added latency, s").isBetween(0.0, 0.5);
        assertThat(metrics).as("the fan-out's current batching").containsPattern("(?m)^stentor_media_flush_frames [1-9]");
        host.post("/api/v1/spaces/" + id + "/end");
    }

    private static double metric(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as(name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void oneAnonymousTabWithAnEventsAndAListenSocketCountsOnce() throws Exception {
        String id = liveSpaceWithTwoSpeakers("Counted once");
        try (EventsClient events = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events?listener=tab0123456", null);
             MediaClient audio = MediaClient.listenerAs(ts, id, "tab0123456");
             MediaClient other = MediaClient.listener(ts, id)) {
            events.awaitType("snapshot", m -> true);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt() == 2);
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt() == 0);
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void speakingLevelsAreSentOnTheEventsChannel() throws Exception {
        String id = liveSpaceWithTwoSpeakers("Levels");
        try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null);
             MediaClient a = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient quiet = MediaClient.speaker(ts, id, guest.token())) {
            room.awaitType("levels", m -> m.at("/levels/mixhost").asDouble() > 0.1);
            int before = levelMessages(room);
            Thread.sleep(2000);
            // Aggregated: a few messages a second, not one per 20 ms frame (that would be 100).
            assertThat(levelMessages(room) - before).as("levels messages in 2 s").isBetween(4, 16);
            JsonNode last = room.messages().reversed().stream().filter(m -> m.path("type").asText().equals("levels"))
                    .findFirst().orElseThrow().get("levels");
            assertThat(last.get("mixhost").asDouble()).as("the one speaking").isGreaterThan(0.1);
            assertThat(last.has("mixguest")).as("every connected speaker is listed").isTrue();
            assertThat(last.get("mixguest").asDouble()).as("the quiet speaker").isLessThan(0.01);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    /** Where the last Ogg page of {@code bytes} starts ("OggS"). */
    private static int lastPageStart(byte[] bytes) {
        for (int i = bytes.length - 4; i > 0; i--) {
            if (bytes[i] == 'O' && bytes[i + 1] == 'g' && bytes[i + 2] == 'g' && bytes[i + 3] == 'S') {
                return i;
            }
        }
        return bytes.length;
    }

    private static int levelMessages(EventsClient room) {
        return (int) room.messages().stream().filter(m -> m.path("type").asText().equals("levels")).count();
    }

    static byte[] readFor(String url, long millis) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("audio/ogg");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long end = System.currentTimeMillis() + millis;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[4096];
            while (System.currentTimeMillis() < end) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    static short[] decodeAll(List<byte[]> packets) throws Exception {
        short[] pcm = new short[packets.size() * 960];
        try (var dec = io.stentor.media.codec.OpusCodec.select("auto").newDecoder()) {
            short[] frame = new short[960];
            for (int i = 0; i < packets.size(); i++) {
                dec.decode(packets.get(i), 0, packets.get(i).length, frame);
                System.arraycopy(frame, 0, pcm, i * 960, 960);
            }
        }
        return pcm;
    }
}
