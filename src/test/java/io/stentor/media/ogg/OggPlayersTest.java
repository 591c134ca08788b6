package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.media.ogg.ExternalTools.Run;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams written by {@link OggOpusStream}, recordings and mid-stream joins, judged by the tools
 * listeners' players are built on: ffmpeg/ffprobe (libavformat), and opusdec/opusinfo (libogg).
 * Skipped, visibly, where the tools are not installed.
 */
class OggPlayersTest {

    private static final int RATE = 48_000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void toolsInstalled() {
        for (String tool : List.of("sox", "opusenc", "opusdec", "opusinfo", "ffmpeg", "ffprobe")) {
            assumeTrue(ExternalTools.onPath(tool), tool + " is not on PATH; skipping tests against real tools");
        }
    }

    @Test
    void recordingIsThreeSecondsOfMono48kOpusToFfprobe() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 3, "probe-src.opus"));
        Path out = dir.resolve("probe.opus");
        Files.write(out, rec.rewrite(7, 3));

        JsonNode probe = ExternalTools.ffprobe(dir, out);

        JsonNode stream = probe.path("streams").path(0);
        assertThat(stream.path("codec_name").asText()).isEqualTo("opus");
        assertThat(stream.path("sample_rate").asText()).isEqualTo("48000");
        assertThat(stream.path("channels").asInt()).isEqualTo(1);
        assertThat(probe.path("format").path("duration").asDouble()).isCloseTo(3.0, within(0.1));
    }

    @Test
    void recordingDecodesWithoutComplaintInOpusdecFfmpegAndOpusinfo() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 3, "decode-src.opus"));
        Path out = dir.resolve("decode.opus");
        Files.write(out, rec.rewrite(8, 1));

        Run opusdec = ExternalTools.run(dir, "opusdec", "--quiet", out.toString(), dir.resolve("decode.wav").toString());
        Run ffmpeg = ExternalTools.run(dir, "ffmpeg", "-v", "error", "-i", out.toString(), "-f", "null", "-");
        Run opusinfo = ExternalTools.run(dir, "opusinfo", out.toString());

        assertThat(opusdec.exitCode()).as(opusdec.stderr()).isZero();
        assertThat(ffmpeg.exitCode()).isZero();
        assertThat(ffmpeg.stdout() + ffmpeg.stderr()).isEmpty();
        // opusinfo exits non-zero on any warning: sequence gaps, granules out of step, missing end of stream
        assertThat(opusinfo.exitCode()).as(opusinfo.stdout() + opusinfo.stderr()).isZero();
        assertThat(ExternalTools.playbackSeconds(opusinfo)).isCloseTo(3.0, within(0.1));
    }

    @Test
    void recordingDecodesToTheSameAudioAsTheFileItsPacketsCameFrom() throws Exception {
        Path source = ExternalTools.opusencSine(dir, 3, "same-src.opus");
        Recording rec = Recording.read(source);
        Path out = dir.resolve("same.opus");
        Files.write(out, rec.rewrite(9, 5));

        float[] original = ExternalTools.opusdecFloat(dir, source);
        float[] rewritten = ExternalTools.opusdecFloat(dir, out);

        // opusenc trims the last packet's padding with its final granule; this writer keeps whole packets
        assertThat(rewritten.length).isBetween(original.length, original.length + 959);
        assertThat(Arrays.copyOf(rewritten, original.length)).containsExactly(original);
    }

    @Test
    void sixtyMillisecondPacketsGetGranulesThePlayersAgreeWith() throws Exception {
        Path source = dir.resolve("sixty-src.opus");
        ExternalTools.runOk(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-frame_duration", "60", source.toString());
        Recording rec = Recording.read(source);
        Path out = dir.resolve("sixty.opus");
        Files.write(out, rec.rewrite(13, 4));

        Run opusinfo = ExternalTools.run(dir, "opusinfo", out.toString());
        Recording back = Recording.read(out);

        assertThat(opusinfo.exitCode()).as(opusinfo.stdout()).isZero();
        assertThat(opusinfo.stdout()).contains("Packet duration:   60.0ms (max),   60.0ms (avg),   60.0ms (min)");
        assertThat(back.packets().getLast().granulePosition()).isEqualTo(2880L * rec.packets().size());
    }

    @Test
    void recordingClosedByAnEmptyEndOfStreamPageIsAccepted() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 1, "eos-src.opus"));
        OggOpusStream ogg = new OggOpusStream(10, rec.head().preSkip(), new OpusTags("Stentor", List.of()));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(ogg.headerPages());
        for (byte[] packet : rec.packetData()) {
            file.writeBytes(ogg.audioPage(List.of(packet), false));
        }
        file.writeBytes(ogg.audioPage(List.of(), true));
        Path out = dir.resolve("eos.opus");
        Files.write(out, file.toByteArray());

        Run opusdec = ExternalTools.run(dir, "opusdec", "--quiet", out.toString(), dir.resolve("eos.wav").toString());
        Run ffmpeg = ExternalTools.run(dir, "ffmpeg", "-v", "error", "-i", out.toString(), "-f", "null", "-");
        Run opusinfo = ExternalTools.run(dir, "opusinfo", out.toString());
        Recording back = Recording.read(out);

        assertThat(opusdec.exitCode()).as(opusdec.stderr()).isZero();
        assertThat(ffmpeg.stdout() + ffmpeg.stderr()).isEmpty();
        assertThat(opusinfo.exitCode()).as(opusinfo.stdout() + opusinfo.stderr()).isZero();
        assertThat(back.packets()).hasSize(rec.packets().size());
        assertThat(back.ended()).isTrue();
    }

    @Test
    void listenerJoiningMidStreamGetsAStreamThePlayersAccept() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 10, "join-src.opus"));
        OggOpusStream live = new OggOpusStream(11, rec.head().preSkip(), new OpusTags("Stentor", List.of("TITLE=Join test")));
        int joinAt = rec.packets().size() / 2;
        ByteArrayOutputStream listener = new ByteArrayOutputStream();
        listener.writeBytes(live.headerPages());
        int firstSharedSeq = -1;
        for (int i = 0; i < rec.packets().size(); i++) {
            if (i == joinAt) {
                firstSharedSeq = live.nextAudioPageSeq();
            }
            byte[] shared = live.audioPage(List.of(rec.packets().get(i).data()), false);
            if (i >= joinAt) {
                listener.writeBytes(shared);
            }
        }
        Path out = dir.resolve("join.opus");
        Files.write(out, listener.toByteArray());
        double joinedAtSeconds = joinAt * 960 / (double) RATE;
        double heardSeconds = (rec.packets().size() - joinAt) * 960 / (double) RATE;

        JsonNode probe = ExternalTools.ffprobe(dir, out);
        Run ffmpeg = ExternalTools.run(dir, "ffmpeg", "-v", "error", "-i", out.toString(), "-f", "null", "-");
        Run opusdec = ExternalTools.run(dir, "opusdec", "--quiet", "--float", out.toString(), dir.resolve("join.wav").toString());
        Run opusinfo = ExternalTools.run(dir, "opusinfo", out.toString());
        Recording back = Recording.read(out);

        assertThat(back.packets().getFirst().pageSequence()).isEqualTo(firstSharedSeq).isGreaterThan(2);
        assertThat(back.packets().getFirst().granulePosition()).isEqualTo((joinAt + 1) * 960L);
        JsonNode stream = probe.path("streams").path(0);
        assertThat(stream.path("codec_name").asText()).isEqualTo("opus");
        assertThat(stream.path("sample_rate").asText()).isEqualTo("48000");
        assertThat(stream.path("channels").asInt()).isEqualTo(1);
        // ffmpeg takes the first page's granule as a start offset, and reports the end position as the duration
        assertThat(probe.path("format").path("start_time").asDouble()).isCloseTo(joinedAtSeconds, within(0.1));
        assertThat(probe.path("format").path("duration").asDouble()).isCloseTo(joinedAtSeconds + heardSeconds, within(0.1));
        assertThat(ffmpeg.exitCode()).isZero();
        assertThat(ffmpeg.stdout() + ffmpeg.stderr()).isEmpty();
        assertThat(opusdec.exitCode()).as(opusdec.stderr()).isZero();
        assertThat(ExternalTools.wavFloats(dir.resolve("join.wav")).length / (double) RATE).isCloseTo(heardSeconds, within(0.1));
        // libogg reports the jump from page 1 to the joined page once, as for any live stream
        assertThat(opusinfo.stdout()).contains("type opus").contains("normal for live streams").doesNotContain("Invalid");
        assertThat(ExternalTools.playbackSeconds(opusinfo)).isCloseTo(heardSeconds, within(0.1));
    }

    /**
     * Why a joining listener's header pages are numbered 0 and 1, not N-2 and N-1: libogg-based
     * readers (opusinfo here; VLC's demuxer does the same) expect a stream's first page to be page 0.
     */
    @Test
    void headerPagesNumberedJustBeforeTheJoinAreRejectedByLiboggReaders() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 1, "renumbered-src.opus"));
        OggOpusStream live = new OggOpusStream(12, rec.head().preSkip(), new OpusTags("Stentor", List.of()));
        List<byte[]> shared = new ArrayList<>();
        for (byte[] packet : rec.packetData()) {
            shared.add(live.audioPage(List.of(packet), false));
        }
        int joinAt = 20;
        int joinSeq = OggOpusStream.FIRST_AUDIO_PAGE_SEQ + joinAt;
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(OggPage.ofPackets(OggPage.BOS, 0, 12, joinSeq - 2,
                List.of(OpusHead.mono48k(rec.head().preSkip()).toPacket())).toBytes());
        file.writeBytes(OggPage.ofPackets(0, 0, 12, joinSeq - 1, List.of(new OpusTags("Stentor", List.of()).toPacket())).toBytes());
        shared.subList(joinAt, shared.size()).forEach(file::writeBytes);
        Path out = dir.resolve("renumbered.opus");
        Files.write(out, file.toByteArray());

        Run opusinfo = ExternalTools.run(dir, "opusinfo", out.toString());

        assertThat(opusinfo.stdout()).contains("Invalid header page").contains("type invalid");
    }
}
