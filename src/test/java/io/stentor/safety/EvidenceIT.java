package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The moderators' evidence: the reported range of a live space plays as its own Ogg Opus stream,
 * is preserved when the notice arrives (so removing the replay does not destroy it), and is deleted,
 * with the notifier's personal data, when the retention after the decision ends.
 */
class EvidenceIT {

    @TempDir
    Path data;

    /** A server with an admin, a moderator, a host and a user; retention so short that a decision expires at once. */
    private record World(TestServer ts, Api admin, Api mod, Api host, Api user) implements AutoCloseable {
        @Override
        public void close() {
            ts.close();
        }
    }

    private World world(String prefix) {
        return world(prefix, Map.of());
    }

    private World world(String prefix, Map<String, String> settings) {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", prefix + "_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        Map<String, String> all = new java.util.HashMap<>(Map.of("data.dir", data.toString(), "safety.evidence-retention", "1ms",
                "safety.evidence-sweep-interval", "300ms"));
        all.putAll(settings);
        TestServer ts = new TestServer(all);
        Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                Map.of("handle", prefix + "_admin", "password", "a very long secret")).json().get("token").asText());
        Api mod = ts.api().registerAndLogin(prefix + "_mod");
        assertThat(admin.put("/api/v1/users/" + prefix + "_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
        return new World(ts, admin, mod, ts.api().registerAndLogin(prefix + "_host"), ts.api().registerAndLogin(prefix + "_user"));
    }

    private static Map<String, Object> notice(String category, String space, long fromMs, long toMs) {
        return Map.of("category", category, "goodFaith", true, "name", "Nora Notifier", "email", "nora@example.org",
                "explanation", "The speaker threatens a named person in this part of the space.",
                "items", List.of(Map.of("kind", "space_audio", "spaceId", space, "speaker", "ev_host", "fromMs", fromMs, "toMs", toMs)));
    }

    @Test
    void theReportedRangePlaysSurvivesTheReplaysRemovalAndIsDeletedWhenRetentionEnds() throws Exception {
        try (World w = world("ev")) {
            String space = w.host().post("/api/v1/spaces", Map.of("title", "Evidence")).json().at("/space/id").asText();
            String noticeId;
            String futureId;
            try (MediaClient mic = MediaClient.speaker(w.ts(), space, w.host().token()).sendTone(440)) {
                Thread.sleep(4500);
                // The notifier reports 1.0-3.0 s of the live space; another reports a range still to come.
                Api.Res filed = w.ts().api().post("/api/v1/notices", notice("violence", space, 1000, 3000));
                assertThat(filed.status()).as(filed.text()).isEqualTo(201);
                noticeId = filed.json().get("id").asText();
                futureId = w.ts().api().post("/api/v1/notices", notice("violence", space, 3000, 60_000)).json().get("id").asText();

                // The range is on disk (a busy machine may lag the recording): it is kept apart from the recording.
                await().atMost(Duration.ofSeconds(10)).until(() -> w.mod().get("/api/v1/moderation/notices/" + noticeId
                        + "/evidence").json().at("/evidence/0/state").asText().equals("kept"));
                // A moderator hears the range of the live space: Ogg Opus from 0:00, about 2 s of the tone.
                HttpResponse<byte[]> live = audio(w, w.mod(), space, 1000, 3000);
                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(live.headers().firstValue("content-type")).contains("audio/ogg");
                assertThat(live.headers().firstValue("x-clip-source")).as(() -> "clip " + live.headers().map() + ", evidence "
                        + w.mod().get("/api/v1/moderation/notices/" + noticeId + "/evidence").text()).contains("evidence");
                assertTone(live.body(), 2.0);
                playsInFfprobe(live.body(), 2.0);
                HttpResponse<byte[]> fromRecording = audio(w, w.mod(), space, 500, 2500);
                assertThat(fromRecording.headers().firstValue("x-clip-source")).contains("recording");
                assertTone(fromRecording.body(), 2.0);

                // Only moderators: anonymous 401, anyone else 403; bad ranges are 400 with a JSON error.
                assertThat(audio(w, null, space, 1000, 3000).statusCode()).isEqualTo(401);
                assertThat(audio(w, w.user(), space, 1000, 3000).statusCode()).isEqualTo(403);
                assertThat(audio(w, w.host(), space, 1000, 3000).statusCode()).isEqualTo(403);
                assertThat(w.user().get("/api/v1/moderation/notices/" + noticeId + "/evidence").error()).isEqualTo("moderators_only");
                // The reported host sees neither the notice nor who sent it.
                Api.Res hostView = w.host().get("/api/v1/moderation/notices/" + noticeId);
                assertThat(hostView.status()).isEqualTo(403);
                assertThat(hostView.text()).doesNotContain("Nora").doesNotContain("nora@");
                Api.Res reversed = w.mod().get("/api/v1/moderation/spaces/" + space + "/audio?fromMs=3000&toMs=1000");
                assertThat(reversed.status()).isEqualTo(400);
                assertThat(reversed.error()).isEqualTo("invalid_range");
                assertThat(w.mod().get("/api/v1/moderation/spaces/" + space + "/audio?fromMs=0&toMs=3600001").error())
                        .isEqualTo("invalid_range");
                assertThat(w.mod().get("/api/v1/moderation/spaces/" + space + "/audio?fromMs=x&toMs=10").error())
                        .isEqualTo("invalid_range");
                assertThat(w.mod().get("/api/v1/moderation/spaces/" + space + "/audio").error()).isEqualTo("invalid_range");
                assertThat(w.mod().get("/api/v1/moderation/spaces/" + space + "/audio?fromMs=600000&toMs=601000").error())
                        .as("a range the live space has not reached").isEqualTo("no_recording");
                assertThat(w.mod().get("/api/v1/moderation/spaces/nope/audio?fromMs=0&toMs=1000").status()).isEqualTo(404);

                JsonNode kept = w.mod().get("/api/v1/moderation/notices/" + noticeId + "/evidence").json().at("/evidence/0");
                assertThat(kept.get("state").asText()).isEqualTo("kept");
                assertThat(kept.get("keptFromMs").asLong()).isBetween(960L, 1000L);
                // A notice without a range about a live space preserves what was on air before it.
                String unranged = w.ts().api().post("/api/v1/notices", Map.of("category", "violence", "goodFaith", true,
                        "name", "Nora Notifier", "email", "nora@example.org", "explanation", "Threats, right now, on air.",
                        "items", List.of(Map.of("kind", "space_audio", "spaceId", space)))).json().get("id").asText();
                JsonNode recent = w.mod().get("/api/v1/moderation/notices/" + unranged + "/evidence").json().at("/evidence/0");
                assertThat(recent.get("fromMs").asLong()).isZero();
                assertThat(recent.get("toMs").asLong()).isBetween(4000L, 20_000L);
                assertThat(recent.get("keptToMs").asLong()).isGreaterThan(2500L);
                JsonNode pending = w.mod().get("/api/v1/moderation/notices/" + futureId + "/evidence").json().at("/evidence/0");
                assertThat(pending.get("state").asText()).as("the range runs past what is recorded").isEqualTo("pending");
                Thread.sleep(1000);
            }
            // The space ends: the rest of the future range is captured, up to the end of the recording.
            w.host().post("/api/v1/spaces/" + space + "/end");
            await().atMost(Duration.ofSeconds(10)).until(() -> w.mod().get("/api/v1/moderation/notices/" + futureId
                    + "/evidence").json().at("/evidence/0/state").asText().equals("kept"));
            assertThat(w.mod().get("/api/v1/moderation/notices/" + futureId + "/evidence").json()
                    .at("/evidence/0/keptToMs").asLong()).isGreaterThan(5000);

            // The host removes the replay: the evidence still plays.
            assertThat(w.host().delete("/api/v1/spaces/" + space + "/replay").status()).isEqualTo(204);
            assertThat(w.ts().api().get("/spaces/" + space + "/replay.opus").status()).isEqualTo(404);
            HttpResponse<byte[]> preserved = audio(w, w.mod(), space, 1000, 3000);
            assertThat(preserved.statusCode()).isEqualTo(200);
            assertThat(preserved.headers().firstValue("x-clip-source")).contains("evidence");
            assertTone(preserved.body(), 2.0);
            playsInFfprobe(preserved.body(), 2.0);
            // A player may fetch it in parts: the same bytes each time.
            HttpResponse<byte[]> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    w.ts().baseUrl() + "/api/v1/moderation/spaces/" + space + "/audio?fromMs=1000&toMs=3000"))
                    .header("Authorization", "Bearer " + w.mod().token()).header("Range", "bytes=100-").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.statusCode()).isEqualTo(206);
            assertThat(head.headers().firstValue("content-range")).contains("bytes 100-" + (preserved.body().length - 1)
                    + "/" + preserved.body().length);
            assertThat(head.body()).isEqualTo(java.util.Arrays.copyOfRange(preserved.body(), 100, preserved.body().length));
            HttpResponse<byte[]> part = audio(w, w.mod(), space, 1500, 2500);
            assertTone(part.body(), 1.0);
            Path evidenceDir = data.resolve("evidence");
            assertThat(evidenceDir.resolve(noticeId + "-0.opus")).exists();

            // Decided: with a retention of 1 ms the sweep deletes the audio and the notifier's name and email.
            int before = w.mod().get("/api/v1/moderation/notices").json().get("notices").size();
            Api.Res decided = w.mod().post("/api/v1/moderation/notices/" + noticeId + "/decision", Map.of("action", "no_action",
                    "ground", "terms", "termsVersion", "2026-01", "termsClause", "4.2 Incitement",
                    "explanation", "Heard the range: a tone, no threat.", "territorialScope", List.of("EU")));
            assertThat(decided.status()).as(decided.text()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.mod().get("/api/v1/moderation/notices/" + noticeId
                    + "/evidence").json().at("/evidence/0/state").asText().equals("deleted"));
            assertThat(evidenceDir.resolve(noticeId + "-0.opus")).doesNotExist();
            JsonNode redacted = w.mod().get("/api/v1/moderation/notices/" + noticeId).json();
            assertThat(redacted.get("notifierName").isNull()).isTrue();
            assertThat(redacted.get("notifierEmail").isNull()).isTrue();
            assertThat(redacted.get("explanation").asText()).doesNotContain("threatens");
            assertThat(redacted.get("category").asText()).isEqualTo("violence");
            assertThat(redacted.at("/items/0/fromMs").asLong()).isEqualTo(1000);
            assertThat(redacted.get("state").asText()).isEqualTo("DECIDED");
            // The undecided notice is kept, audio and all; the queue still counts it.
            assertThat(w.mod().get("/api/v1/moderation/notices").json().get("notices").size()).isEqualTo(before - 1);
            assertThat(w.mod().get("/api/v1/moderation/notices/" + futureId).json().get("notifierEmail").asText())
                    .isEqualTo("nora@example.org");
            assertThat(evidenceDir.resolve(futureId + "-0.opus")).exists();
            HttpResponse<byte[]> stillKept = audio(w, w.mod(), space, 3000, 5000);
            assertThat(stillKept.statusCode()).isEqualTo(200);
            assertTone(stillKept.body(), 2.0);
        }
    }

    @Test
    void aFullEvidenceStoreCopiesNothingMoreAndTheRangePlaysFromTheRecordingWhileItLasts() throws Exception {
        try (World w = world("cap", Map.of("safety.evidence-max-mib", "0"))) {
            String space = w.host().post("/api/v1/spaces", Map.of("title", "Full store")).json().at("/space/id").asText();
            String noticeId;
            try (MediaClient mic = MediaClient.speaker(w.ts(), space, w.host().token()).sendTone(440)) {
                Thread.sleep(3000);
                Api.Res filed = w.ts().api().post("/api/v1/notices", notice("violence", space, 500, 1500));
                assertThat(filed.status()).as("the notice is accepted all the same").isEqualTo(201);
                noticeId = filed.json().get("id").asText();
                Thread.sleep(700); // two sweeps
                assertThat(w.mod().get("/api/v1/moderation/notices/" + noticeId + "/evidence").json()
                        .at("/evidence/0/state").asText()).isEqualTo("pending");
                HttpResponse<byte[]> fromRecording = audio(w, w.mod(), space, 500, 1500);
                assertThat(fromRecording.headers().firstValue("x-clip-source")).contains("recording");
                assertTone(fromRecording.body(), 1.0);
            }
            w.host().post("/api/v1/spaces/" + space + "/end");
            assertThat(w.host().delete("/api/v1/spaces/" + space + "/replay").status()).isEqualTo(204);
            // With the recording gone and nothing copied, the range is unavailable, and says so.
            await().atMost(Duration.ofSeconds(10)).until(() -> w.mod().get("/api/v1/moderation/notices/" + noticeId
                    + "/evidence").json().at("/evidence/0/state").asText().equals("unavailable"));
            assertThat(w.mod().get("/api/v1/moderation/spaces/" + space + "/audio?fromMs=500&toMs=1500").error())
                    .isEqualTo("no_recording");
            assertThat(data.resolve("evidence")).doesNotExist();
        }
    }

    @Test
    void theQueuePutsTrustedFlaggersThenLiveSpacesThenSevereCategoriesFirst() {
        try (World w = world("pq")) {
            Api flagger = w.ts().api().registerAndLogin("pq_flagger");
            assertThat(w.admin().put("/api/v1/users/pq_flagger/role", Map.of("role", "trusted_flagger")).status()).isEqualTo(200);
            String live = w.host().post("/api/v1/spaces", Map.of("title", "Live")).json().at("/space/id").asText();
            String later = w.host().post("/api/v1/spaces", Map.of("title", "Later",
                    "scheduledStart", java.time.Instant.now().plusSeconds(86_400).toString())).json().at("/space/id").asText();
            String oldOther = w.ts().api().post("/api/v1/notices", notice("other", later, 0, 1000)).json().get("id").asText();
            String scam = w.ts().api().post("/api/v1/notices", notice("scams_and_fraud", later, 0, 1000)).json().get("id").asText();
            String threat = w.ts().api().post("/api/v1/notices", notice("risk_for_public_security", later, 0, 1000)).json().get("id").asText();
            String onLive = w.ts().api().post("/api/v1/notices", notice("other", live, 0, 1000)).json().get("id").asText();
            String trusted = flagger.post("/api/v1/notices", notice("intellectual_property_infringements", later, 0, 1000))
                    .json().get("id").asText();
            JsonNode queue = w.mod().get("/api/v1/moderation/notices").json().get("notices");
            List<String> order = new ArrayList<>();
            queue.forEach(n -> order.add(n.get("id").asText()));
            assertThat(order).containsExactly(trusted, onLive, threat, scam, oldOther);
            assertThat(queue.get(0).get("priority").toString()).contains("trusted_flagger");
            assertThat(queue.get(1).get("priority").toString()).contains("live");
            assertThat(queue.get(2).get("priority").toString()).contains("severe");
            assertThat(queue.get(2).get("severity").asInt()).isLessThan(queue.get(3).get("severity").asInt());
        }
    }

    /** When ffmpeg is installed: ffprobe reads the clip as Opus lasting about {@code seconds}. */
    private void playsInFfprobe(byte[] ogg, double seconds) throws Exception {
        if (new ProcessBuilder("sh", "-c", "command -v ffprobe").start().waitFor() != 0) {
            return; // the decoding in assertTone is the check then
        }
        Path file = Files.createTempFile(data, "clip", ".opus");
        Files.write(file, ogg);
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                "-of", "json", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        JsonNode probe = Api.JSON.readTree(out);
        assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
        assertThat(probe.at("/format/duration").asDouble()).isCloseTo(seconds, org.assertj.core.data.Offset.offset(0.1));
    }

    private static HttpResponse<byte[]> audio(World w, Api as, String space, long from, long to) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(w.ts().baseUrl() + "/api/v1/moderation/spaces/" + space
                + "/audio?fromMs=" + from + "&toMs=" + to));
        if (as != null) {
            b.header("Authorization", "Bearer " + as.token());
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A valid Ogg Opus stream starting at granule 0 whose decoded audio is the 440 Hz tone for about {@code seconds}. */
    private static void assertTone(byte[] ogg, double seconds) throws Exception {
        OggOpusReader reader = new OggOpusReader(new ByteArrayInputStream(ogg));
        List<byte[]> packets = new ArrayList<>();
        long firstGranule = -1;
        for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
            packets.add(p.get().data());
            if (firstGranule < 0) {
                firstGranule = p.get().granulePosition();
            }
        }
        assertThat(reader.ended()).as("ends with an end-of-stream page").isTrue();
        assertThat(firstGranule).as("granules rebased: the first page ends at its own packets").isLessThanOrEqualTo(50 * 960);
        assertThat(packets.size() / 50.0).as("seconds of audio").isCloseTo(seconds, org.assertj.core.data.Offset.offset(0.1));
        short[] pcm = io.stentor.support.Tones.decode(packets);
        assertThat(Tones.shareAt(pcm, 4800, pcm.length - 960, 440, 15)).as("the tone").isGreaterThan(0.8);
    }
}
