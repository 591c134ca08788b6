package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.config.ConfigSources;
import io.stentor.media.codec.OpusCodec;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.store.Database;
import io.stentor.support.Api;
import io.stentor.support.EventsClient;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live events (DSA Art 34/35) through a real server: the broadcast delay on both listener tiers
 * (speakers still hear each other at once), the moderator's cut before the audio airs and its mark
 * on the recording and replay, the kill switch, event risk records, and who may do each.
 */
class LiveEventsIT {

    static final double TONE_RMS = 0.05; // a 0.3-amplitude tone has an RMS of about 0.2; silence about 0

    static Path data;
    static TestServer ts;
    static Api mod;
    static Api host;
    static Api guest;
    static Api someone;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createTempDirectory("stentor-live-");
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "live_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        // A low threshold, so that two followers make a large event.
        ts = new TestServer(Map.of("data.dir", data.toString(), "safety.risk-record-audience", "2"));
        Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                Map.of("handle", "live_admin", "password", "a very long secret")).json().get("token").asText());
        mod = ts.api().registerAndLogin("live_mod");
        assertThat(admin.put("/api/v1/users/live_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
        host = ts.api().registerAndLogin("live_host");
        guest = ts.api().registerAndLogin("live_guest");
        someone = ts.api().registerAndLogin("live_someone");
    }

    @AfterAll
    static void stop() {
        ts.close();
        // Every moderator action of the tests is in the audit log, and the chain is intact.
        try (Database db = Database.open(ConfigSources.defaultsWith(Map.of("data.dir", data.toString())).db())) {
            List<String> actions = db.jdbi().withHandle(h -> h.createQuery("SELECT action FROM audit_log ORDER BY seq")
                    .mapTo(String.class).list());
            assertThat(actions).contains("live.broadcast_delay", "live.cut", "live.kill", "live.risk_record");
            assertThat(new AuditLog(db.jdbi(), java.time.Clock.systemUTC()).verify().intact()).isTrue();
        }
    }

    /** Restarts the server on the same data; sessions are stored, so everyone stays signed in. */
    static void restart() {
        ts.restart();
        mod = new Api(ts.baseUrl()).withToken(mod.token());
        host = new Api(ts.baseUrl()).withToken(host.token());
        guest = new Api(ts.baseUrl()).withToken(guest.token());
        someone = new Api(ts.baseUrl()).withToken(someone.token());
    }

    static String liveSpace(Api as, String title) {
        return as.post("/api/v1/spaces", Map.of("title", title)).json().at("/space/id").asText();
    }

    static String scheduledSpace(Api as, String title) {
        return as.post("/api/v1/spaces", Map.of("title", title, "scheduledStart", Instant.now().plusSeconds(3600).toString()))
                .json().at("/space/id").asText();
    }

    static void guestOnStage(String id) {
        assertThat(host.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", "live_guest")).status()).isEqualTo(204);
        assertThat(guest.post("/api/v1/spaces/" + id + "/invites/accept").status()).isEqualTo(204);
    }

    /** Per received mixed frame (in order): whether it carries the tone. */
    static boolean[] toneFrames(MediaClient listener) {
        short[] pcm = listener.decode(0, 0);
        boolean[] tone = new boolean[pcm.length / 960];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = Tones.rms(pcm, i * 960, (i + 1) * 960) > TONE_RMS;
        }
        return tone;
    }

    /** When the listener received the first frame with the tone (System.nanoTime), or -1. */
    static long firstToneArrival(MediaClient listener) {
        boolean[] tone = toneFrames(listener);
        List<MediaClient.Received> frames = listener.received().stream().filter(r -> r.source() == 0).toList();
        for (int i = 0; i < tone.length; i++) {
            if (tone[i]) {
                return frames.get(i).receivedNanos();
            }
        }
        return -1;
    }

    /** Seconds from a speaker's first tone to the listener hearing it, on a space with that delay. */
    record Heard(double webSocket, double ogg, double speaker) {
    }

    static Heard measure(String id, boolean withGuest) throws Exception {
        try (MediaClient listener = MediaClient.listener(ts, id);
             OggTap ogg = OggTap.open(ts.baseUrl() + "/spaces/" + id + "/live.opus");
             MediaClient other = withGuest ? MediaClient.speaker(ts, id, guest.token()) : null) {
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.received().size() >= 10 && ogg.packets.size() >= 10);
            long start = System.nanoTime();
            try (MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> firstToneArrival(listener) > 0 && ogg.firstTone() > 0);
                double forwarded = other == null || other.received().isEmpty() ? -1
                        : (other.received().get(0).receivedNanos() - start) / 1e9;
                return new Heard((firstToneArrival(listener) - start) / 1e9, (ogg.firstTone() - start) / 1e9, forwarded);
            }
        }
    }

    @Test
    void listenersOnBothTiersHearTheSpaceTheDelayLaterWhileSpeakersHearEachOtherAtOnce() throws Exception {
        String undelayed = liveSpace(host, "No delay");
        Heard live = measure(undelayed, false);
        host.post("/api/v1/spaces/" + undelayed + "/end");

        // A delay set on the scheduled space is stored and applied when it goes live.
        String delayed = scheduledSpace(host, "Three seconds behind");
        assertThat(host.put("/api/v1/spaces/" + delayed + "/broadcast-delay", Map.of("seconds", 3)).json()
                .get("broadcastDelaySeconds").asInt()).isEqualTo(3);
        restart(); // stored, not held in memory
        assertThat(ts.api().get("/api/v1/spaces/" + delayed).json().at("/space/broadcastDelaySeconds").asInt()).isEqualTo(3);
        assertThat(host.post("/api/v1/spaces/" + delayed + "/start").status()).isEqualTo(200);
        guestOnStage(delayed);
        Heard held = measure(delayed, true);

        System.out.printf("first tone heard: ws %.2f s, ogg %.2f s without delay; ws %.2f s, ogg %.2f s, speaker %.2f s "
                + "with 3 s%n", live.webSocket(), live.ogg(), held.webSocket(), held.ogg(), held.speaker());
        assertThat(live.webSocket()).isLessThan(1.0);
        assertThat(held.webSocket() - live.webSocket()).as("WebSocket tier, 3 s later").isBetween(2.5, 4.0);
        assertThat(held.ogg() - live.ogg()).as("Ogg tier, 3 s later").isBetween(2.5, 4.0);
        assertThat(held.speaker()).as("the other speaker hears it at once").isBetween(0.0, 1.0);
        host.post("/api/v1/spaces/" + delayed + "/end");
    }

    @Test
    void aCutDropsTheHeldAudioBeforeItAirsAndTheReplaySilencesItWhileTheRecordingKeepsIt() throws Exception {
        String id = liveSpace(host, "Cut it");
        // With no delay there is nothing held to cut.
        assertThat(mod.post("/api/v1/moderation/spaces/" + id + "/cut").error()).isEqualTo("nothing_to_cut");
        try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null);
             MediaClient listener = MediaClient.listener(ts, id)) {
            room.awaitType("snapshot", m -> true);
            // Set while live, by a moderator: applied at once, announced, audited.
            assertThat(mod.put("/api/v1/spaces/" + id + "/broadcast-delay", Map.of("seconds", 4)).status()).isEqualTo(200);
            room.awaitType("broadcast_delay", m -> m.get("seconds").asInt() == 4);
            long started = System.nanoTime();
            try (MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                // Speaking indicators wait for the audio they describe.
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> room.messages()
                        .stream().anyMatch(m -> m.path("type").asText().equals("levels")
                                && m.at("/levels/live_host").asDouble() > 0.1));
                assertThat((System.nanoTime() - started) / 1e9).as("levels shown with the delayed audio").isGreaterThan(3.0);
                await().atMost(Duration.ofSeconds(15)).until(() -> firstToneArrival(listener) > 0);
                Thread.sleep(1000); // the tone airs, and 4 s more of it are held

                assertThat(host.post("/api/v1/moderation/spaces/" + id + "/cut").error()).isEqualTo("moderators_only");
                assertThat(ts.api().post("/api/v1/moderation/spaces/" + id + "/cut").status()).isEqualTo(401);
                int before = listener.received().size();
                Api.Res cut = mod.post("/api/v1/moderation/spaces/" + id + "/cut");
                assertThat(cut.status()).as(cut.text()).isEqualTo(200);
                long from = cut.json().get("fromMs").asLong();
                long to = cut.json().get("toMs").asLong();
                int frames = cut.json().get("frames").asInt();
                assertThat(frames).as("about 4 s of 20 ms frames").isBetween(180, 200);
                assertThat(to - from).isEqualTo(frames * 20L);

                Thread.sleep(6000);
                // After the cut: a run of silence as long as what was held, then the tone again.
                boolean[] tone = toneFrames(listener);
                int longestSilence = 0;
                int run = 0;
                int resumedAt = -1;
                for (int i = before; i < tone.length; i++) {
                    run = tone[i] ? 0 : run + 1;
                    longestSilence = Math.max(longestSilence, run);
                    if (tone[i] && longestSilence >= frames - 10 && resumedAt < 0) {
                        resumedAt = i;
                    }
                }
                assertThat(longestSilence).as("frames of silence where the cut audio was").isBetween(frames - 10, frames + 10);
                assertThat(resumedAt).as("the audio continues after the cut").isPositive();
                // The stream itself never broke: one frame per tick, no sequence gap.
                List<MediaClient.Received> got = listener.received();
                for (int i = before + 1; i < got.size(); i++) {
                    assertThat(got.get(i).sequence()).isEqualTo(got.get(i - 1).sequence() + 1);
                }

                // The host ends the space: the speaker is let go at once, while listeners hear out
                // what the delay held (the end of the conversation), then are told it ended.
                int atEnd = toneFrames(listener).length;
                long ended = System.nanoTime();
                assertThat(host.post("/api/v1/spaces/" + id + "/end").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(2)).until(() -> speaker.closeCode() != -1);
                assertThat(speaker.closeCode()).isEqualTo(1000);
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.closeCode() != -1);
                double heardFor = (System.nanoTime() - ended) / 1e9;
                assertThat(listener.closeCode()).isEqualTo(1000);
                assertThat(heardFor).as("listeners hear the held 4 s before the end").isBetween(3.5, 6.0);
                boolean[] last = toneFrames(listener);
                int toneAfterEnd = 0;
                for (int i = atEnd; i < last.length; i++) {
                    toneAfterEnd += last[i] ? 1 : 0;
                }
                assertThat(toneAfterEnd).as("tone frames aired after the end").isBetween(150, 210);
            }
        }

        // The replay marks the cut and silences it; the recording keeps what was said (evidence).
        JsonNode replay = await().atMost(Duration.ofSeconds(5)).until(() -> ts.api().get("/api/v1/spaces/" + id + "/replay"),
                r -> r.status() == 200).json();
        assertThat(replay.at("/cuts/0/fromMs").asLong()).isPositive();
        long from = replay.at("/cuts/0/fromMs").asLong();
        long to = replay.at("/cuts/0/toMs").asLong();
        short[] aired = decode(packets(get(ts.baseUrl() + "/spaces/" + id + "/replay.opus")));
        short[] said = decode(packets(Files.readAllBytes(data.resolve("recordings").resolve(id + ".opus"))));
        assertThat(aired.length).isEqualTo(said.length);
        int a = (int) (from / 20 + 5) * 960;
        int b = (int) (to / 20 - 5) * 960;
        assertThat(Tones.rms(aired, a, b)).as("the replay is silent where the cut was").isLessThan(0.01);
        assertThat(Tones.rms(said, a, b)).as("the recording keeps what was said").isGreaterThan(TONE_RMS);
        int afterCut = (int) (to / 20 + 10) * 960;
        assertThat(Tones.rms(aired, afterCut, afterCut + 50 * 960)).as("the replay goes on after the cut")
                .isGreaterThan(TONE_RMS);
    }

    @Test
    void theKillSwitchTakesTheSpaceOffAirForEveryoneAndForGood() throws Exception {
        String id = liveSpace(host, "Emergency");
        guestOnStage(id);
        try (MediaClient listener = MediaClient.listener(ts, id);
             OggTap ogg = OggTap.open(ts.baseUrl() + "/spaces/" + id + "/live.opus");
             MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient other = MediaClient.speaker(ts, id, guest.token())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> firstToneArrival(listener) > 0 && ogg.packets.size() > 10);

            assertThat(ts.api().post("/api/v1/moderation/spaces/" + id + "/kill", Map.of("reason", "Imminent threat")).status())
                    .isEqualTo(401);
            assertThat(host.post("/api/v1/moderation/spaces/" + id + "/kill", Map.of("reason", "Imminent threat")).error())
                    .isEqualTo("moderators_only");
            assertThat(mod.post("/api/v1/moderation/spaces/" + id + "/kill", Map.of()).error()).isEqualTo("invalid_reason");
            assertThat(mod.post("/api/v1/moderation/spaces/" + id + "/kill", Map.of("reason", "x")).error())
                    .isEqualTo("invalid_reason");

            Api.Res kill = mod.post("/api/v1/moderation/spaces/" + id + "/kill",
                    Map.of("reason", "A credible threat to life is being broadcast."));
            assertThat(kill.status()).as(kill.text()).isEqualTo(200);
            assertThat(kill.json().get("state").asText()).isEqualTo("ended");

            // Off air at once, with a close code that says why.
            await().atMost(Duration.ofSeconds(3)).until(() -> listener.closeCode() != -1 && speaker.closeCode() != -1
                    && other.closeCode() != -1 && ogg.ended);
            assertThat(listener.closeCode()).isEqualTo(4010);
            assertThat(speaker.closeCode()).isEqualTo(4010);
            assertThat(other.closeCode()).isEqualTo(4010);
        }
        // Ended for good: it cannot be restarted or joined, and its recording is never published.
        assertThat(ts.api().get("/api/v1/spaces/" + id).json().at("/space/state").asText()).isEqualTo("ended");
        assertThat(host.post("/api/v1/spaces/" + id + "/start").error()).isEqualTo("invalid_transition");
        assertThat(mod.post("/api/v1/moderation/spaces/" + id + "/kill", Map.of("reason", "Again, to be sure.")).error())
                .isEqualTo("space_not_live");
        assertThat(ts.api().get("/spaces/" + id + "/live.opus").status()).isEqualTo(409);
        await().atMost(Duration.ofSeconds(5)).until(() -> host.get("/api/v1/spaces/" + id + "/replay").status() == 200);
        assertThat(ts.api().get("/api/v1/spaces/" + id + "/replay").status()).isEqualTo(404);
        assertThat(host.post("/api/v1/spaces/" + id + "/replay/publish").error()).isEqualTo("replay_withheld");
    }

    @Test
    void theDelayIsSetByHostsCoHostsAndModeratorsOnlyWithinItsRange() {
        String id = liveSpace(host, "Who sets the delay");
        String path = "/api/v1/spaces/" + id + "/broadcast-delay";
        assertThat(ts.api().put(path, Map.of("seconds", 5)).status()).isEqualTo(401);
        assertThat(someone.put(path, Map.of("seconds", 5)).error()).isEqualTo("not_host");
        assertThat(someone.put(path, Map.of("seconds", 5)).status()).isEqualTo(403);
        guestOnStage(id); // a speaker is not enough
        assertThat(guest.put(path, Map.of("seconds", 5)).status()).isEqualTo(403);

        for (Object bad : List.of(31, -1, 2.5, "ten")) {
            Api.Res r = host.put(path, Map.of("seconds", bad));
            assertThat(r.status()).as("seconds=" + bad).isEqualTo(400);
            assertThat(r.json().get("message").asText()).isNotBlank();
        }
        assertThat(host.put(path, Map.of()).error()).isEqualTo("invalid_delay");
        assertThat(host.put(path, Map.of("seconds", 30)).status()).isEqualTo(200);
        assertThat(host.put(path, Map.of("seconds", 0)).status()).isEqualTo(200);

        assertThat(host.put("/api/v1/spaces/" + id + "/stage/live_guest/role", Map.of("role", "cohost")).status())
                .isEqualTo(204);
        assertThat(guest.put(path, Map.of("seconds", 7)).status()).isEqualTo(200);
        assertThat(mod.put(path, Map.of("seconds", 9)).status()).isEqualTo(200);
        assertThat(ts.api().get("/api/v1/spaces/" + id).json().at("/space/broadcastDelaySeconds").asInt()).isEqualTo(9);
        assertThat(host.post("/api/v1/spaces/" + id + "/end").status()).isEqualTo(200);
        assertThat(host.put(path, Map.of("seconds", 1)).error()).isEqualTo("space_not_active");
        assertThat(mod.put("/api/v1/spaces/nope/broadcast-delay", Map.of("seconds", 1)).status()).isEqualTo(404);
    }

    @Test
    void largeEventsNeedARiskRecordAndModeratorsSeeWhichLackOne() {
        String recorded = scheduledSpace(host, "Election night debate");
        String unrecorded = scheduledSpace(guest, "Stadium Q&A");
        for (Api fan : List.of(someone, host)) {
            assertThat(fan.post("/api/v1/spaces/" + unrecorded + "/follow").status()).isEqualTo(204);
        }
        String path = "/api/v1/spaces/" + recorded + "/risk-record";
        Map<String, Object> record = Map.of("expectedAudience", 50_000,
                "measures", "Broadcast delay of 10 s; two moderators on duty; speakers briefed on the terms.");
        assertThat(ts.api().put(path, record).status()).isEqualTo(401);
        assertThat(someone.put(path, record).error()).isEqualTo("not_host");
        assertThat(guest.get(path).status()).isEqualTo(403);
        assertThat(host.get(path).error()).isEqualTo("no_risk_record");
        assertThat(host.put(path, Map.of("expectedAudience", 0, "measures", "Moderators on duty.")).error())
                .isEqualTo("invalid_expected_audience");
        assertThat(host.put(path, Map.of("expectedAudience", 1.5, "measures", "Moderators on duty.")).error())
                .isEqualTo("invalid_expected_audience");
        assertThat(host.put(path, Map.of("expectedAudience", 500, "measures", "none")).error()).isEqualTo("invalid_measures");
        assertThat(host.put(path, Map.of("expectedAudience", 500)).error()).isEqualTo("invalid_measures");

        Api.Res saved = host.put(path, record);
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("large").asBoolean()).isTrue();
        assertThat(mod.get(path).json().get("measures").asText()).startsWith("Broadcast delay of 10 s");
        assertThat(mod.put(path, Map.of("expectedAudience", 80_000, "measures", record.get("measures") + " Police informed."))
                .status()).isEqualTo(200);
        assertThat(host.get(path).json().get("expectedAudience").asInt()).isEqualTo(80_000);

        assertThat(ts.api().get("/api/v1/moderation/events").status()).isEqualTo(401);
        assertThat(host.get("/api/v1/moderation/events").error()).isEqualTo("moderators_only");
        JsonNode list = mod.get("/api/v1/moderation/events").json();
        assertThat(list.get("riskRecordAudience").asInt()).isEqualTo(2);
        JsonNode withRecord = event(list, recorded);
        assertThat(withRecord.at("/riskRecord/expectedAudience").asInt()).isEqualTo(80_000);
        assertThat(withRecord.get("riskRecordMissing").asBoolean()).isFalse();
        JsonNode without = event(list, unrecorded);
        assertThat(without.get("followers").asInt()).isEqualTo(2);
        assertThat(without.get("large").asBoolean()).isTrue();
        assertThat(without.get("riskRecordMissing").asBoolean()).as("two followers reach the threshold").isTrue();
        assertThat(without.get("riskRecord").isNull()).isTrue();

        assertThat(host.post("/api/v1/spaces/" + recorded + "/cancel").status()).isEqualTo(200);
        assertThat(host.put(path, record).error()).isEqualTo("space_not_active");
        assertThat(mod.get("/api/v1/moderation/events").text()).doesNotContain(recorded);
    }

    static JsonNode event(JsonNode list, String spaceId) {
        for (JsonNode e : list.get("events")) {
            if (e.get("spaceId").asText().equals(spaceId)) {
                return e;
            }
        }
        throw new AssertionError("no event " + spaceId + " in " + list);
    }

    // ---- the HTTP Ogg tier and replays

    /** Reads a live Ogg stream on a thread, noting when each audio packet arrived. */
    static final class OggTap implements AutoCloseable {
        record Packet(byte[] data, long receivedNanos) {
        }

        final List<Packet> packets = new CopyOnWriteArrayList<>();
        volatile boolean ended;
        private final InputStream in;

        private OggTap(InputStream in) {
            this.in = in;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    OggOpusReader reader = new OggOpusReader(in);
                    for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                        packets.add(new Packet(p.get().data(), System.nanoTime()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the stream was closed (by us, or by the server)
                } finally {
                    ended = true;
                }
            });
        }

        static OggTap open(String url) throws Exception {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            return new OggTap(r.body());
        }

        /** When the first packet with the tone arrived, or -1. */
        long firstTone() {
            List<Packet> now = List.copyOf(packets);
            short[] pcm = decode(now.stream().map(Packet::data).toList());
            for (int i = 0; i < now.size(); i++) {
                if (Tones.rms(pcm, i * 960, (i + 1) * 960) > TONE_RMS) {
                    return now.get(i).receivedNanos();
                }
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static byte[] get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    static List<byte[]> packets(byte[] ogg) throws IOException {
        OggOpusReader reader = new OggOpusReader(new ByteArrayInputStream(ogg));
        List<byte[]> out = new ArrayList<>();
        for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
            out.add(p.get().data());
        }
        return out;
    }

    static short[] decode(List<byte[]> packets) {
        short[] pcm = new short[packets.size() * 960];
        try (OpusCodec.Decoder dec = OpusCodec.select("auto").newDecoder()) {
            short[] frame = new short[960];
            for (int i = 0; i < packets.size(); i++) {
                int n = dec.decode(packets.get(i), 0, packets.get(i).length, frame);
                System.arraycopy(frame, 0, pcm, i * 960, n);
            }
        } catch (Exception e) {
            throw new AssertionError("could not decode", e);
        }
        return pcm;
    }
}
