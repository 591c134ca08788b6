package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What goes wrong on real networks and with real clients, and what the server does about it. */
class MediaRobustnessIT {

    static TestServer ts;
    static Api host;
    static Api guest;

    @BeforeAll
    static void start() {
        // Small buffers so that a listener that stops reading is noticed within seconds.
        ts = new TestServer(Map.of("http.write-buffer-bytes", "4096", "http.socket-send-buffer", "4096",
                "media.max-behind-frames", "50"));
        host = ts.api().registerAndLogin("robhost");
        guest = ts.api().registerAndLogin("robguest");
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    static String liveSpace(String title, boolean withGuest) {
        String id = host.post("/api/v1/spaces", Map.of("title", title)).json().at("/space/id").asText();
        if (withGuest) {
            host.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", "robguest"));
            guest.post("/api/v1/spaces/" + id + "/invites/accept");
        }
        return id;
    }

    @Test
    void lostAndReorderedPacketsStillGiveACleanToneWithoutGaps() throws Exception {
        String id = liveSpace("Lossy", false);
        MediaClient.Impairment lossy = new MediaClient.Impairment() {
            @Override
            public boolean drop(int seq) {
                return seq % 10 == 3; // 10% loss
            }

            @Override
            public boolean swapWithNext(int seq) {
                return seq % 10 == 6; // and some reordering
            }
        };
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440, 0.3, lossy)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 150);
            short[] pcm = listener.decode(0, 25);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 440, 15)).isGreaterThan(0.85);
            // Concealment fills each gap: no 20 ms stretch of silence inside the tone (it is ~0.2 RMS).
            for (int f = 0; f + 960 <= pcm.length; f += 960) {
                assertThat(Tones.rms(pcm, f, f + 960)).as("frame %d", f / 960).isGreaterThan(0.02);
            }
            assertThat(ts.api().get("/metrics").text()).containsPattern("stentor_media_packets_total\\{outcome=\"in\",stage=\"jitter\"} [1-9]");
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void aMutedSpeakerIsSilentOnTheFarSideWithin100MillisecondsOfAudio() throws Exception {
        String id = liveSpace("Mute", true);
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient speaker = MediaClient.speaker(ts, id, guest.token()).sendTone(440)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 100);
            int beforeMute = listener.received().size();
            assertThat(host.post("/api/v1/spaces/" + id + "/stage/robguest/mute").status()).isEqualTo(204);
            int atMute = listener.received().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.received().size() >= atMute + 50);
            short[] pcm = listener.decode(0, 0);
            // Count frames with the tone after the moment the mute was confirmed.
            int loudAfter = 0;
            for (int f = atMute; f < atMute + 50; f++) {
                if (Tones.rms(pcm, f * 960, (f + 1) * 960) > 0.02) {
                    loudAfter++;
                }
            }
            assertThat(Tones.rms(pcm, (beforeMute - 10) * 960, beforeMute * 960)).as("audible before").isGreaterThan(0.1);
            assertThat(loudAfter).as("frames still audible after the mute (20 ms each)").isLessThanOrEqualTo(5);
            assertThat(ts.api().get("/metrics").text()).containsPattern("stentor_media_dropped_total\\{reason=\"muted\",stage=\"ingest\"} [1-9]");
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void malformedAndFloodedPacketsAreDroppedAndCountedAndTheOtherSpeakerIsUnaffected() throws Exception {
        String id = liveSpace("Junk", true);
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient good = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient bad = MediaClient.speaker(ts, id, guest.token())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 50);
            bad.sendRaw(new byte[] {1, 2, 3});                                    // shorter than the header
            bad.sendRaw(header(0, new byte[] {(byte) 0xFC, 1, 2}));               // stereo TOC
            bad.sendRaw(header(1, new byte[] {(byte) 0x18, 1, 2}));               // a 10 ms frame
            bad.sendRaw(header(2, new byte[600]));                                // over media.max-packet-bytes
            for (int i = 0; i < 300; i++) {                                       // far faster than real time
                bad.sendRaw(header(3 + i, new byte[] {(byte) 0x78, 0x01, 0x02}));
            }
            int mark = listener.received().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.received().size() >= mark + 100);
            short[] pcm = listener.decode(0, mark);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 440, 15)).isGreaterThan(0.8);
            String m = ts.api().get("/metrics").text();
            for (String reason : List.of("malformed", "invalid_opus", "oversized", "flood")) {
                assertThat(m).containsPattern("stentor_media_dropped_total\\{reason=\"" + reason + "\",stage=\"ingest\"} [1-9]");
            }
            // A message beyond http.max-websocket-frame-bytes is not read at all: the connection closes with 1009.
            bad.sendRefused(new byte[70_000]);
            await().atMost(Duration.ofSeconds(3)).until(() -> bad.closeCode() == 1009);
            assertThat(good.closeCode()).as("the other speaker stays on").isEqualTo(-1);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void onlyPeopleOnStageMaySpeakAndRemovalCutsThemOff() throws Exception {
        String id = liveSpace("Gate", true);
        Api outsider = ts.api().registerAndLogin("outsider_" + id.substring(0, 4));
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> MediaClient.speaker(ts, id, outsider.token()));
        assertThat(refused).isNotNull(); // the upgrade is answered 403
        try (MediaClient guestMic = MediaClient.speaker(ts, id, guest.token()).sendTone(660)) {
            Thread.sleep(300);
            assertThat(host.post("/api/v1/spaces/" + id + "/stage/robguest/audience").status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(3)).until(() -> guestMic.closeCode() == 4003);
        }
        host.post("/api/v1/spaces/" + id + "/end");

        // Removed from the space altogether (and blocked), mid-sentence: cut off the same way.
        String next = liveSpace("Gate again", true);
        try (MediaClient guestMic = MediaClient.speaker(ts, next, guest.token()).sendTone(660)) {
            Thread.sleep(300);
            assertThat(host.post("/api/v1/spaces/" + next + "/blocks", Map.of("handle", "robguest")).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(3)).until(() -> guestMic.closeCode() == 4003);
            Throwable back = org.assertj.core.api.Assertions.catchThrowable(() -> MediaClient.speaker(ts, next, guest.token()));
            assertThat(back).as("a blocked user cannot reconnect to speak").isNotNull();
        }
        host.delete("/api/v1/spaces/" + next + "/blocks/robguest");
        host.post("/api/v1/spaces/" + next + "/end");
    }

    @Test
    void aSpeakerWhoReconnectsReplacesTheOldConnectionAndIsHeardAtOnce() throws Exception {
        String id = liveSpace("Reconnect", false);
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient dropped = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 50);
            dropped.stopSending(); // the network went quiet; the old socket still looks open to the server
            try (MediaClient again = MediaClient.speaker(ts, id, host.token()).sendTone(660)) {
                await().atMost(Duration.ofSeconds(3)).until(() -> dropped.closeCode() == 4009);
                int mark = listener.received().size();
                await().atMost(Duration.ofSeconds(5)).until(() -> listener.received().size() >= mark + 50);
                short[] pcm = listener.decode(0, mark + 10);
                assertThat(Tones.shareAt(pcm, 0, pcm.length, 660, 15)).as("the new connection is heard").isGreaterThan(0.8);
                assertThat(again.closeCode()).as("the new connection stays open").isEqualTo(-1);
            }
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void aSpeakerWhoFallsSilentOrDropsOffNeverStallsTheClock() throws Exception {
        String id = liveSpace("Clock", true);
        try (MediaClient listener = MediaClient.listener(ts, id);
             MediaClient steady = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient quitter = MediaClient.speaker(ts, id, guest.token()).sendTone(660)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() >= 75);
            quitter.stopSending(); // falls silent, connection still open
            Thread.sleep(1000);
            quitter.abort();       // then vanishes without a close frame
            int mark = listener.received().size();
            long markNanos = System.nanoTime();
            Thread.sleep(2000);

            List<MediaClient.Received> all = List.copyOf(listener.received()); // a snapshot: frames keep arriving
            List<MediaClient.Received> after = all.subList(mark, all.size());
            double seconds = (System.nanoTime() - markNanos) / 1e9;
            assertThat(after.size()).as("frames in %.1f s (50 a second is real time)", seconds)
                    .isGreaterThanOrEqualTo((int) (seconds * 50 * 0.85));
            for (int i = 1; i < after.size(); i++) {
                assertThat(after.get(i).sequence()).isEqualTo(after.get(i - 1).sequence() + 1);
                assertThat((after.get(i).receivedNanos() - after.get(i - 1).receivedNanos()) / 1_000_000)
                        .as("ms between frames %d and %d", i - 1, i).isLessThan(300);
            }
            short[] pcm = listener.decode(0, mark + 10);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 440, 15)).as("the other speaker goes on").isGreaterThan(0.8);
            assertThat(Tones.shareAt(pcm, 0, pcm.length, 660, 15)).as("the one who left is gone").isLessThan(0.05);
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void aListenerThatStopsReadingLosesFramesThenIsCutOffAndNobodyElseNotices() throws Exception {
        String id = liveSpace("Slow", false);
        try (MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient healthy = MediaClient.listener(ts, id);
             Socket stalled = stalledRequest("/api/v1/spaces/" + id + "/listen", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                     + "\r\nSec-WebSocket-Version: 13\r\n")) {
            // ...and never read again. Its frames pile up, then it is dropped.
            // (polled often: once cut off, it has 2 s to read its farewell before the server hangs up anyway)
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() ->
                    metric("stentor_media_listeners_disconnected_total\\{reason=\"slow\"} (\\d+)") >= 1);
            // Reading again, it finds the frames that were queued for it, then the reason it was cut off.
            stalled.setSoTimeout(5000);
            byte[] all = stalled.getInputStream().readAllBytes(); // to the server's close: a timeout fails the test
            assertThat(lastWebSocketFrame(all)).as("the close frame (code, reason)").isEqualTo("4008 too slow: reconnect");
            assertThat(metric("stentor_media_dropped_total\\{reason=\"slow_listener\",stage=\"fanout_ws\"} (\\d+)"))
                    .isGreaterThan(0);
            // The healthy listener got every frame, in order, the whole time.
            List<MediaClient.Received> got = healthy.received();
            assertThat(got.size()).isGreaterThan(100);
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i).sequence()).isEqualTo(got.get(i - 1).sequence() + 1);
            }
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    @Test
    void anOggListenerThatStopsReadingIsCutOffAndCounted() throws Exception {
        String id = liveSpace("Slow Ogg", false);
        double before = metric("stentor_media_listeners_disconnected_total\\{reason=\"slow\"} (\\d+)");
        try (MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440);
             MediaClient healthy = MediaClient.listener(ts, id);
             Socket stalled = stalledRequest("/spaces/" + id + "/live.opus", "")) {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250)).until(() ->
                    metric("stentor_media_listeners_disconnected_total\\{reason=\"slow\"} (\\d+)") > before);
            assertThat(metric("stentor_media_dropped_total\\{reason=\"slow_listener\",stage=\"fanout_ogg\"} (\\d+)"))
                    .isGreaterThan(0);
            stalled.setSoTimeout(5000);
            byte[] all = stalled.getInputStream().readAllBytes(); // the server hung up: a timeout fails the test
            assertThat(new String(all, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
            List<MediaClient.Received> got = healthy.received();
            assertThat(got.size()).isGreaterThan(100);
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i).sequence()).as("the WebSocket listener lost nothing").isEqualTo(got.get(i - 1).sequence() + 1);
            }
        }
        host.post("/api/v1/spaces/" + id + "/end");
    }

    /** A raw connection that sends one GET with these extra header lines, then never reads. */
    private static Socket stalledRequest(String path, String headers) throws java.io.IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(2048);
        s.connect(new InetSocketAddress("127.0.0.1", ts.port()));
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private static double metric(String regex) {
        Matcher m = Pattern.compile(regex).matcher(ts.api().get("/metrics").text());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The last frame a server sent after its HTTP 101 answer: "code reason" if it is a close frame. */
    private static String lastWebSocketFrame(byte[] stream) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(stream);
        b.position(new String(stream, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4);
        String last = "none";
        while (b.remaining() >= 2) {
            int opcode = b.get() & 0x0f;
            long length = b.get() & 0x7f; // server frames are not masked
            length = length == 126 ? b.getShort() & 0xffff : length == 127 ? b.getLong() : length;
            if (length > b.remaining()) {
                return "cut mid-frame after " + last;
            }
            byte[] payload = new byte[(int) length];
            b.get(payload);
            last = opcode != 8 ? "opcode " + opcode : ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) + " "
                    + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        return last;
    }

    private static byte[] header(int seq, byte[] opus) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + opus.length);
        b.put((byte) 1).put((byte) 0).putShort((short) 0).putInt(seq).putLong(System.currentTimeMillis() * 1000).put(opus);
        return b.array();
    }
}
