package io.stentor.media.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ingest's packet check: real encoder output passes, each kind of crafted junk fails for its own reason. */
class OpusPacketsTest {

    private static final int LIMIT = OpusCodec.MAX_PACKET_BYTES;
    /** Limit for the crafted table: large enough that a 1276-byte frame reaches the framing check. */
    private static final int TABLE_LIMIT = 2_000;

    // TOC bytes (config << 3 | stereo << 2 | code), RFC 6716 Table 2.
    private static final int CELT_FB_20MS = 31 << 3;
    private static final int CELT_FB_10MS = 30 << 3;
    private static final int CELT_FB_2_5MS = 28 << 3;
    private static final int SILK_WB_10MS = 8 << 3;
    private static final int SILK_NB_40MS = 2 << 3;
    private static final int HYBRID_FB_20MS = 15 << 3;

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void acceptsEveryPacketTheEncodersWriteFromLowToHighestBitrate(String name) {
        OpusCodec codec = OpusCodec.select(name);
        short[] signal = toneWithNoise(50);
        byte[] out = new byte[OpusCodec.MAX_PACKET_BYTES];
        int packets = 0;
        for (int bitrate : new int[] {6_000, 32_000, 128_000, 510_000}) {
            try (OpusCodec.Encoder encoder = codec.newEncoder(bitrate)) {
                for (int i = 0; i < 50; i++) {
                    int length = encoder.encode(ToneMeter.frame(signal, i), out);
                    assertThat(OpusPackets.check(out, 0, length, LIMIT)).as("%d bit/s, frame %d", bitrate, i)
                            .isEqualTo(OpusPacketVerdict.ACCEPTED);
                    packets++;
                }
            }
        }
        assertThat(packets).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedPackets")
    void judgesCraftedPacketsByTheirFraming(String what, byte[] packet, OpusPacketVerdict expected) {
        assertThat(OpusPackets.check(packet, TABLE_LIMIT)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 17})
    void readsOnlyItsSliceOfALargerBuffer(int offset) {
        byte[] buffer = new byte[64];
        Arrays.fill(buffer, (byte) 0xFF); // junk around the slice: stereo, code 3
        buffer[offset] = (byte) CELT_FB_20MS;
        buffer[offset + 1] = 42;

        assertThat(OpusPackets.check(buffer, offset, 2, LIMIT)).isEqualTo(OpusPacketVerdict.ACCEPTED);
        assertThat(OpusPackets.check(buffer, offset, 0, LIMIT)).isEqualTo(OpusPacketVerdict.EMPTY);
    }

    static Stream<Arguments> craftedPackets() {
        return Stream.of(
                // accepted: every framing that can make 20 ms
                of("code 0, one 20 ms CELT frame", OpusPacketVerdict.ACCEPTED, CELT_FB_20MS, 1, 2, 3),
                of("code 0, one 20 ms hybrid frame", OpusPacketVerdict.ACCEPTED, HYBRID_FB_20MS, 9, 9),
                of("code 0, TOC only (an empty frame: DTX)", OpusPacketVerdict.ACCEPTED, CELT_FB_20MS),
                of("code 1, two 10 ms frames of 2 bytes", OpusPacketVerdict.ACCEPTED, SILK_WB_10MS | 1, 1, 2, 3, 4),
                of("code 2, 10 ms frames of 1 and 3 bytes", OpusPacketVerdict.ACCEPTED, CELT_FB_10MS | 2, 1, 7, 8, 9, 10),
                of("code 2, two-byte first length", OpusPacketVerdict.ACCEPTED,
                        concat(new int[] {CELT_FB_10MS | 2, 252, 0}, filler(252 + 5))),
                of("code 3 CBR, eight 2.5 ms frames of 2 bytes", OpusPacketVerdict.ACCEPTED,
                        concat(new int[] {CELT_FB_2_5MS | 3, 8}, filler(16))),
                of("code 3 VBR + padding, two 10 ms frames", OpusPacketVerdict.ACCEPTED,
                        concat(new int[] {CELT_FB_10MS | 3, 0x80 | 0x40 | 2, 3, 2}, filler(2 + 5 + 3))),
                of("code 3 CBR, 300 bytes of padding", OpusPacketVerdict.ACCEPTED,
                        concat(new int[] {CELT_FB_20MS | 3, 0x40 | 1, 255, 46, 9}, filler(300))),
                // the wrong duration
                of("code 0, one 10 ms frame", OpusPacketVerdict.NOT_20_MS, CELT_FB_10MS, 1, 2),
                of("code 0, one 40 ms SILK frame", OpusPacketVerdict.NOT_20_MS, SILK_NB_40MS, 1, 2),
                of("code 0, one 2.5 ms frame", OpusPacketVerdict.NOT_20_MS, CELT_FB_2_5MS, 1),
                of("code 1, two 20 ms frames", OpusPacketVerdict.NOT_20_MS, CELT_FB_20MS | 1, 1, 2),
                of("code 3, three 10 ms frames", OpusPacketVerdict.NOT_20_MS, CELT_FB_10MS | 3, 3, 1, 2, 3),
                // stereo, too large, empty
                of("stereo flag", OpusPacketVerdict.STEREO, CELT_FB_20MS | 4, 1, 2),
                of("one byte over the limit", OpusPacketVerdict.TOO_LARGE, concat(new int[] {CELT_FB_20MS}, filler(TABLE_LIMIT))),
                Arguments.of("no bytes", new byte[0], OpusPacketVerdict.EMPTY),
                // broken framing (RFC 6716 R2-R7)
                of("code 1, odd payload", OpusPacketVerdict.MALFORMED, SILK_WB_10MS | 1, 1, 2, 3),
                of("code 2, no length byte", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 2),
                of("code 2, first length past the end", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 2, 9, 1, 2),
                of("code 2, two-byte length cut off", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 2, 253),
                of("code 3, no frame count byte", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 3),
                of("code 3, zero frames", OpusPacketVerdict.MALFORMED, CELT_FB_20MS | 3, 0, 1, 2),
                of("code 3, 122.5 ms in 49 frames", OpusPacketVerdict.MALFORMED, CELT_FB_2_5MS | 3, 49, 0),
                of("code 3 CBR, bytes not divisible by the count", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 3, 2, 1, 2, 3),
                of("code 3, padding past the end", OpusPacketVerdict.MALFORMED, CELT_FB_20MS | 3, 0x40 | 1, 10, 1, 2),
                of("code 3, padding length cut off", OpusPacketVerdict.MALFORMED, CELT_FB_20MS | 3, 0x40 | 1, 255),
                of("code 3 VBR, lengths past the end", OpusPacketVerdict.MALFORMED, CELT_FB_10MS | 3, 0x80 | 2, 5, 1, 2),
                of("code 0, a frame over 1275 bytes", OpusPacketVerdict.MALFORMED, concat(new int[] {CELT_FB_20MS}, filler(1276))));
    }

    private static Arguments of(String what, OpusPacketVerdict expected, int... bytes) {
        byte[] packet = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            packet[i] = (byte) bytes[i];
        }
        return Arguments.of(what, packet, expected);
    }

    private static int[] filler(int n) {
        int[] bytes = new int[n];
        Arrays.fill(bytes, 0x5A);
        return bytes;
    }

    private static int[] concat(int[] head, int[] tail) {
        int[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static short[] toneWithNoise(int frames) {
        short[] tone = ToneMeter.sine(440, 0.4, frames * OpusCodec.FRAME_SAMPLES);
        Random random = new Random(1);
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (tone[i] + random.nextGaussian() * 3000);
        }
        return tone;
    }

}
