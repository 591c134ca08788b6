package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link OggOpusReader}, {@link OggCrc} and {@link OpusToc} on files written by opusenc (libopusenc)
 * and ffmpeg (libavformat), whose muxers share no code with ours. Skipped, visibly, where the tools
 * are not installed.
 */
class OggRealFilesTest {

    private static final int RATE = 48_000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void toolsInstalled() {
        for (String tool : List.of("sox", "opusenc", "ffmpeg")) {
            assumeTrue(ExternalTools.onPath(tool), tool + " is not on PATH; skipping tests against real tools");
        }
    }

    @Test
    void opusencFileReadsBackWithItsHeadersAndEveryPacket() throws Exception {
        Recording rec = Recording.read(ExternalTools.opusencSine(dir, 3, "read.opus"));

        assertThat(rec.head().channels()).isEqualTo(1);
        assertThat(rec.head().inputSampleRate()).isEqualTo(RATE);
        assertThat(rec.tags().vendor()).contains("libopus");
        assertThat(rec.tags().comments()).anyMatch(c -> c.startsWith("ENCODER=opusenc"));
        // opusenc trims the end with the last granule: pre-skip plus exactly the input's samples
        OggPacket last = rec.packets().getLast();
        assertThat(rec.ended()).isTrue();
        assertThat(last.endOfStream()).isTrue();
        assertThat(last.granulePosition() - rec.head().preSkip()).isEqualTo(3L * RATE);
        // the packets hold the audio up to that granule, padded to a whole last packet
        long samples = rec.packets().stream().mapToLong(p -> OpusToc.samples48k(p.data())).sum();
        assertThat(samples).isBetween(last.granulePosition(), last.granulePosition() + 959);
        // opusenc packs many packets per page, and every one of them came out
        assertThat(rec.packets().stream().map(OggPacket::pageSequence).distinct().count()).isLessThan(rec.packets().size() / 10);
    }

    @Test
    void opusencPagesCarryTheCrcThisCodeComputes() throws Exception {
        Path file = ExternalTools.opusencSine(dir, 2, "crc.opus");
        byte[] bytes = Files.readAllBytes(file);
        List<OggPage> pages = pages(file);

        int offset = 0;
        for (OggPage page : pages) {
            byte[] raw = java.util.Arrays.copyOfRange(bytes, offset, offset + page.size());
            int stored = (int) OggPage.getLittleEndian(raw, OggPage.CRC_OFFSET, 4);
            OggPage.putLittleEndian(raw, OggPage.CRC_OFFSET, 0, 4);
            assertThat(OggCrc.of(raw, 0, raw.length)).as("page " + page.sequence()).isEqualTo(stored);
            // and a page rebuilt from its parsed fields is byte for byte the one libopusenc wrote
            assertThat(page.toBytes()).isEqualTo(java.util.Arrays.copyOfRange(bytes, offset, offset + page.size()));
            offset += page.size();
        }
        assertThat(offset).isEqualTo(bytes.length);
    }

    @Test
    void opusTagsSpanningSeveralPagesAreReassembled() throws Exception {
        String description = "DESCRIPTION=" + "long notes ".repeat(7_000);
        Path file = ExternalTools.opusencSine(dir, 1, "long-tags.opus", "--comment", description);

        Recording rec = Recording.read(file);

        assertThat(pages(file)).anyMatch(OggPage::continued);
        assertThat(rec.tags().comments()).contains(description);
        assertThat(rec.packets().getLast().granulePosition() - rec.head().preSkip()).isEqualTo(RATE);
    }

    @Test
    void audioPacketsContinuedOntoTheNextPageAreReassembled() throws Exception {
        // large 60 ms packets and 5 s pages: ffmpeg's muxer must split packets at the 255-segment limit
        Path file = dir.resolve("continued.opus");
        ExternalTools.runOk(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "256k", "-frame_duration", "60",
                "-page_duration", "5000000", file.toString());

        Recording rec = Recording.read(file);

        assertThat(pages(file)).filteredOn(p -> p.continued() && !p.beginsStream()).isNotEmpty();
        assertThat(rec.packets()).allMatch(p -> OpusToc.samples48k(p.data()) == 2880);
        long samples = rec.packets().stream().mapToLong(p -> OpusToc.samples48k(p.data())).sum();
        assertThat(samples).isBetween(rec.packets().getLast().granulePosition(), rec.packets().getLast().granulePosition() + 2879);
    }

    @ParameterizedTest(name = "{0} ms")
    @ValueSource(strings = {"2.5", "5", "10", "20", "40", "60"})
    void tocDurationIsTheFrameDurationFfmpegWasAskedFor(String frameMs) throws Exception {
        Path file = dir.resolve("frames-" + frameMs + ".opus");
        ExternalTools.runOk(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-frame_duration", frameMs, file.toString());

        Recording rec = Recording.read(file);

        int expected = (int) Math.round(Double.parseDouble(frameMs) * RATE / 1000);
        assertThat(rec.packets()).isNotEmpty().allMatch(p -> OpusToc.samples48k(p.data()) == expected);
    }

    @Test
    void ffmpegFileReadsBackWithEveryPacket() throws Exception {
        Path file = dir.resolve("ffmpeg.opus");
        ExternalTools.runOk(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                "-c:a", "libopus", "-frame_duration", "20", "-ac", "1", "-ar", "48000", file.toString());

        Recording rec = Recording.read(file);

        assertThat(rec.head().channels()).isEqualTo(1);
        assertThat(rec.packets()).allMatch(p -> OpusToc.samples48k(p.data()) == 960);
        assertThat(rec.ended()).isTrue();
        assertThat((rec.packets().getLast().granulePosition() - rec.head().preSkip()) / (double) RATE).isCloseTo(3.0, within(0.03));
    }

    private static List<OggPage> pages(Path file) throws Exception {
        List<OggPage> pages = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            OggPageReader reader = new OggPageReader(in);
            for (Optional<OggPage> p = reader.next(); p.isPresent(); p = reader.next()) {
                pages.add(p.get());
            }
        }
        return pages;
    }
}
