package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Packet durations from the TOC byte, RFC 6716 §3.1. */
class OggOpusTocTest {

    /** RFC 6716 Table 2, frame size per configuration number, in tenths of a millisecond. */
    static final int[] FRAME_TENTHS_MS = {
        100, 200, 400, 600, // SILK-only NB
        100, 200, 400, 600, // SILK-only MB
        100, 200, 400, 600, // SILK-only WB
        100, 200,           // Hybrid SWB
        100, 200,           // Hybrid FB
        25, 50, 100, 200,   // CELT-only NB
        25, 50, 100, 200,   // CELT-only WB
        25, 50, 100, 200,   // CELT-only SWB
        25, 50, 100, 200,   // CELT-only FB
    };

    @ParameterizedTest(name = "config {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31})
    void singleFramePacketLastsItsConfigurationsFrameSize(int config) {
        byte[] packet = {(byte) (config << 3), 0x55};

        assertThat(OpusToc.samples48k(packet)).isEqualTo(FRAME_TENTHS_MS[config] * 48 / 10);
    }

    @Test
    void twentyMillisecondConfigurationsStentorSendsAre960Samples() {
        assertThat(OpusToc.samples48k(new byte[] {0x78})).isEqualTo(960); // Hybrid FB 20 ms, mono, code 0
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0xf8})).isEqualTo(960); // CELT FB 20 ms
    }

    @Test
    void codesOneAndTwoCarryTwoFrames() {
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0xf9, 0, 0})).isEqualTo(1920);
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0xfa, 1, 0})).isEqualTo(1920);
        // the stereo flag (bit 2) does not change the duration
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0xfd, 0, 0})).isEqualTo(1920);
    }

    @Test
    void codeThreeCountsTheFramesInItsSecondByte() {
        // CELT FB 2.5 ms x 48 frames = 120 ms; the VBR and padding flags (top bits) are not part of the count
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0xe3, (byte) (0xc0 | 48), 0})).isEqualTo(5760);
        // SILK 60 ms x 2 = 120 ms
        assertThat(OpusToc.samples48k(new byte[] {(byte) 0x1b, 2})).isEqualTo(5760);
    }

    @Test
    void packetsOpusCannotCarryAreRefused() {
        assertThatThrownBy(() -> OpusToc.samples48k(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpusToc.samples48k(new byte[] {(byte) 0xfb})).hasMessageContaining("frame count");
        assertThatThrownBy(() -> OpusToc.samples48k(new byte[] {(byte) 0xfb, 0})).hasMessageContaining("zero frames");
        // 60 ms x 3 = 180 ms, over the 120 ms limit
        assertThatThrownBy(() -> OpusToc.samples48k(new byte[] {(byte) 0x1b, 3})).hasMessageContaining("120 ms");
    }
}
