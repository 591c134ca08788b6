package io.stentor.media.hls;

import static io.stentor.media.hls.HlsTools.error;
import static io.stentor.media.hls.HlsTools.get;
import static io.stentor.media.hls.HlsTools.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HLS / LL-HLS tier: what ffmpeg makes of it, blocking reload, cache headers, the replay as VOD, errors. */
class HlsIT {

    @TempDir
    Path scratch;

    @BeforeEach
    void tools() {
        HlsTools.assumeFfmpeg();
    }

    @Test
    void aLiveSpaceIsAnLlHlsStreamOfOpusInFragmentedMp4ThatFfmpegPlays() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("hlshost");
            String id = host.post("/api/v1/spaces", Map.of("title", "HLS")).json().at("/space/id").asText();
            String base = ts.baseUrl() + "/spaces/" + id + "/hls/";
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                String playlist = awaitSegments(base, 3);
                assertThat(playlist).startsWith("#EXTM3U\n").contains("#EXT-X-TARGETDURATION:2\n")
                        .contains("#EXT-X-PART-INF:PART-TARGET=0.500\n")
                        .contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500")
                        .contains("#EXT-X-MAP:URI=\"init.mp4\"").contains("#EXT-X-PROGRAM-DATE-TIME:")
                        .contains("#EXT-X-PART:DURATION=0.500,URI=\"").contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"")
                        .doesNotContain("#EXT-X-ENDLIST");

                HttpResponse<byte[]> master = get(base + "master.m3u8");
                assertThat(text(master)).contains("CODECS=\"opus\"").contains("\nindex.m3u8\n");
                assertThat(master.headers().firstValue("content-type")).contains(HlsRoutes.PLAYLIST_TYPE);

                // init + two segments, as a player appends them: valid fMP4 with one Opus track, and the tone.
                List<String> segments = HlsTools.segments(playlist);
                HttpResponse<byte[]> init = get(base + "init.mp4");
                HttpResponse<byte[]> seg = get(base + segments.get(segments.size() - 2));
                assertThat(init.headers().firstValue("content-type")).contains("audio/mp4");
                assertThat(seg.headers().firstValue("cache-control")).contains("public, max-age=3600, immutable");
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                file.write(init.body());
                file.write(seg.body());
                file.write(get(base + segments.get(segments.size() - 1)).body());
                Path mp4 = scratch.resolve("live.mp4");
                Files.write(mp4, file.toByteArray());
                JsonNode probe = HlsTools.ffprobe(scratch, mp4.toString());
                assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
                assertThat(probe.at("/streams/0/codec_tag_string").asText()).isEqualTo("Opus");
                assertThat(probe.at("/streams/0/sample_rate").asInt()).isEqualTo(48_000);
                assertThat(probe.at("/streams/0/channels").asInt()).isEqualTo(1);
                assertThat(probe.at("/format/format_name").asText()).contains("mp4");
                assertThat(probe.at("/format/duration").asDouble() - probe.at("/format/start_time").asDouble())
                        .isCloseTo(4.0, Offset.offset(0.1));
                short[] pcm = HlsTools.decode(scratch, mp4.toString(), 10);
                assertThat(pcm.length).isCloseTo(4 * 48_000, Offset.offset(2_000));
                assertThat(Tones.shareAt(pcm, 9_600, pcm.length - 9_600, 440, 15)).isGreaterThan(0.8);

                // A part is a fragment of its own: ffprobe reads init + one part as 0.5 s of Opus.
                String partUri = HlsTools.uriOf(playlist, "#EXT-X-PART:");
                Path part = scratch.resolve("part.mp4");
                Files.write(part, concat(init.body(), get(base + partUri).body()));
                assertThat(HlsTools.decode(scratch, part.toString(), 10).length).isCloseTo(24_000, Offset.offset(1_000));

                // ffmpeg's own HLS client plays the live playlist.
                short[] played = HlsTools.decode(scratch, base + "index.m3u8", 3);
                assertThat(played.length).isGreaterThan(2 * 48_000);
                assertThat(Tones.shareAt(played, 9_600, played.length - 9_600, 440, 15)).isGreaterThan(0.8);
                assertThat(HlsTools.ffprobe(scratch, base + "master.m3u8").at("/streams/0/codec_name").asText())
                        .isEqualTo("opus");
            }
        }
    }

    @Test
    void blockingReloadAnswersWhenTheNextPartIsOutAndTheHintedPartIsWaitedFor() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("blockhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Blocking")).json().at("/space/id").asText();
            String base = ts.baseUrl() + "/spaces/" + id + "/hls/";
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                String playlist = awaitSegments(base, 1);
                HttpResponse<byte[]> plain = get(base + "index.m3u8");
                assertThat(plain.headers().firstValue("cache-control")).contains("public, max-age=1");
                assertThat(plain.headers().firstValue("content-type")).contains(HlsRoutes.PLAYLIST_TYPE);

                for (int round = 0; round < 5; round++) { // across a segment boundary at least once
                    String hint = HlsTools.uriOf(playlist, "#EXT-X-PRELOAD-HINT:");
                    String[] at = hint.replace(".m4s", "").split("-")[1].split("\\.");
                    long start = System.nanoTime();
                    HttpResponse<byte[]> blocked = get(base + "index.m3u8?_HLS_msn=" + at[0] + "&_HLS_part=" + at[1]);
                    long waitedMs = (System.nanoTime() - start) / 1_000_000;
                    assertThat(blocked.statusCode()).isEqualTo(200);
                    assertThat(waitedMs).as("answered once the part was out").isLessThan(1_500);
                    playlist = text(blocked);
                    assertThat(playlist).contains("URI=\"" + hint + "\"").doesNotContain("PRELOAD-HINT:TYPE=PART,URI=\"" + hint);
                    assertThat(blocked.headers().firstValue("cache-control")).contains("public, max-age=6");
                }

                // The hinted part, asked for before it exists, comes when it is done.
                String hint = HlsTools.uriOf(playlist, "#EXT-X-PRELOAD-HINT:");
                long start = System.nanoTime();
                HttpResponse<byte[]> early = get(base + hint);
                assertThat(early.statusCode()).isEqualTo(200);
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
                assertThat(early.body().length).isGreaterThan(200);

                // A whole segment asked for by number (no part): answered when that segment is finished.
                long next = HlsTools.mediaSequence(playlist) + HlsTools.segments(playlist).size();
                HttpResponse<byte[]> whole = get(base + "index.m3u8?_HLS_msn=" + next);
                assertThat(HlsTools.segments(text(whole))).anyMatch(s -> s.endsWith("-" + next + ".m4s"));

                // Errors are JSON with the right status.
                assertThat(get(base + "index.m3u8?_HLS_part=1").statusCode()).isEqualTo(400);
                assertThat(error(get(base + "index.m3u8?_HLS_part=1"))).isEqualTo("bad_hls_request");
                assertThat(error(get(base + "index.m3u8?_HLS_msn=" + (next + 50)))).isEqualTo("bad_hls_request");
                assertThat(error(get(base + "index.m3u8?_HLS_msn=x"))).isEqualTo("bad_hls_request");
                assertThat(error(get(base + "index.m3u8?_HLS_msn=" + next + "&_HLS_part=9"))).isEqualTo("bad_hls_request");
                HttpResponse<byte[]> otherStream = get(base + "l0-1.0.m4s"); // e.g. from before a restart
                assertThat(otherStream.statusCode()).isEqualTo(404);
                assertThat(error(otherStream)).isEqualTo("no_such_segment");
                long far = next + 10;
                start = System.nanoTime();
                assertThat(error(get(base + hint.replaceFirst("-\\d+\\.", "-" + far + ".")))).isEqualTo("no_such_segment");
                assertThat((System.nanoTime() - start) / 1_000_000).as("not waited for").isLessThan(500);
                assertThat(error(get(base + "nonsense.ts"))).isEqualTo("no_such_segment");
                assertThat(get(ts.baseUrl() + "/spaces/nope/hls/index.m3u8").statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void anEndedSpaceIsAVodPlaylistOverItsRecordingWithTheReplaysRules() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("vodhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "VOD")).json().at("/space/id").asText();
            String base = ts.baseUrl() + "/spaces/" + id + "/hls/";
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                awaitSegments(base, 2);
                Thread.sleep(1_000);
            }
            JsonNode ended = host.post("/api/v1/spaces/" + id + "/end").json();
            double seconds = Duration.between(Instant.parse(ended.get("startedAt").asText()),
                    Instant.parse(ended.get("endedAt").asText())).toMillis() / 1000.0;

            HttpResponse<byte[]> vod = get(base + "index.m3u8");
            String playlist = text(vod);
            assertThat(playlist).contains("#EXT-X-PLAYLIST-TYPE:VOD\n").endsWith("#EXT-X-ENDLIST\n")
                    .contains("#EXT-X-MAP:URI=\"init.mp4\"").doesNotContain("#EXT-X-PART");
            assertThat(vod.headers().firstValue("cache-control")).contains("public, max-age=60");
            List<String> segments = HlsTools.segments(playlist);
            assertThat(segments.size()).isEqualTo((int) Math.ceil(seconds / 2 - 0.05));
            HttpResponse<byte[]> first = get(base + segments.get(0));
            assertThat(first.headers().firstValue("cache-control")).contains("public, max-age=3600, immutable");

            short[] pcm = HlsTools.decode(scratch, base + "index.m3u8", 60);
            assertThat(pcm.length / 48_000.0).isCloseTo(seconds, Offset.offset(0.5));
            assertThat(Tones.shareAt(pcm, 48_000, pcm.length - 24_000, 440, 15)).isGreaterThan(0.8);
            assertThat(HlsTools.ffprobe(scratch, base + "index.m3u8").at("/format/duration").asDouble())
                    .isCloseTo(seconds, Offset.offset(0.5));
            assertThat(error(get(base + segments.get(0).replaceFirst("-0\\.", "-9999.")))).isEqualTo("no_such_segment");

            // Removed by its host: neither the playlist nor its segments are served any more.
            assertThat(host.delete("/api/v1/spaces/" + id + "/replay").status()).isEqualTo(204);
            assertThat(error(get(base + "index.m3u8"))).isEqualTo("no_replay");
            assertThat(error(get(base + segments.get(0)))).isEqualTo("no_replay");
        }
    }

    @Test
    void aHeldReplayIsOnlyForItsHostAndNeverForSharedCaches() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("heldhls");
            String id = host.post("/api/v1/spaces", Map.of("title", "Held", "recordingPolicy", "hold_until_published"))
                    .json().at("/space/id").asText();
            String path = "/spaces/" + id + "/hls/index.m3u8";
            assertThat(ts.api().get(path).status()).as("live, but nothing said yet").isEqualTo(200);
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 1);
            }
            host.post("/api/v1/spaces/" + id + "/end");
            assertThat(ts.api().get(path).error()).isEqualTo("replay_not_published");
            Api.Res own = host.get(path);
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.header("cache-control")).isEqualTo("private, no-store");
            String segment = HlsTools.segments(own.text()).get(0);
            assertThat(ts.api().get("/spaces/" + id + "/hls/" + segment).error()).isEqualTo("replay_not_published");
            assertThat(host.get("/spaces/" + id + "/hls/" + segment).header("cache-control")).isEqualTo("private, no-store");

            Api.Res scheduled = host.post("/api/v1/spaces", Map.of("title", "Later",
                    "scheduledStart", Instant.now().plusSeconds(3600).toString()));
            String later = scheduled.json().at("/space/id").asText();
            assertThat(ts.api().get("/spaces/" + later + "/hls/index.m3u8").error()).isEqualTo("space_not_live");
        }
    }

    @Test
    void afterAServerRestartTheStreamGetsNewNamesAndItsNumbersGoOnRising() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("restarthls");
            String id = host.post("/api/v1/spaces", Map.of("title", "Restart")).json().at("/space/id").asText();
            String before;
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                before = awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 2);
            }
            String hint = HlsTools.uriOf(before, "#EXT-X-PRELOAD-HINT:");
            ts.restart();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                String after = awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 1);
                String stream = hint.substring(0, hint.indexOf('-'));
                assertThat(HlsTools.segments(after)).as("new names").noneMatch(s -> s.startsWith(stream + "-"));
                long lastBefore = Long.parseLong(hint.split("-")[1].split("\\.")[0]);
                assertThat(HlsTools.mediaSequence(after)).as("numbers go on").isGreaterThanOrEqualTo(lastBefore);
                short[] pcm = HlsTools.decode(scratch, ts.baseUrl() + "/spaces/" + id + "/hls/index.m3u8", 2);
                assertThat(Tones.shareAt(pcm, 4_800, pcm.length - 4_800, 440, 15)).isGreaterThan(0.8);
            }
        }
    }

    /** Polls the live playlist until it lists {@code n} full segments; returns it. */
    static String awaitSegments(String base, int n) {
        String[] last = {""};
        await().atMost(Duration.ofSeconds(3L * n + 10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<byte[]> r = get(base + "index.m3u8");
            last[0] = text(r);
            return r.statusCode() == 200 && HlsTools.segments(last[0]).size() >= n;
        });
        return last[0];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
