package io.stentor.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audio through each codec, and across them: a 440 Hz tone must come out as a 440 Hz tone at the
 * right level, a lost frame must be concealed, and junk must be refused with the documented
 * exception.
 */
class OpusRoundTripTest {

    private static final int FRAMES = 50; // one second
    private static final short[] TONE = ToneMeter.sine(440, 0.5, FRAMES * OpusCodec.FRAME_SAMPLES);
    /** Skip the first 100 ms: the codec's lookahead and its start-up transient. */
    private static final int SETTLED = 5 * OpusCodec.FRAME_SAMPLES;

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aSineToneArrivesAtItsFrequencyAndLevel(String name) throws Exception {
        OpusCodec codec = OpusCodec.select(name);
        List<byte[]> packets = encode(codec, TONE);

        short[] decoded = decode(codec, packets);

        assertThat(ToneMeter.powerFractionNear(decoded, SETTLED, decoded.length, 440, 20)).isGreaterThan(0.95);
        assertThat(ToneMeter.rms(decoded, SETTLED, decoded.length))
                .isCloseTo(ToneMeter.rms(TONE, SETTLED, TONE.length), within(0.15 * ToneMeter.rms(TONE, 0, TONE.length)));
        // 32 kbit/s over 20 ms is 80 bytes; VBR may wander a little around it.
        double meanBytes = packets.stream().mapToInt(p -> p.length).average().orElseThrow();
        assertThat(meanBytes).isBetween(60.0, 100.0);
    }

    @ParameterizedTest
    @CsvSource({"native, java", "java, native"})
    void packetsFromOneImplementationDecodeWithTheOther(String encoderName, String decoderName) throws Exception {
        List<byte[]> packets = encode(OpusCodec.select(encoderName), TONE);

        short[] decoded = decode(OpusCodec.select(decoderName), packets);

        assertThat(ToneMeter.powerFractionNear(decoded, SETTLED, decoded.length, 440, 20)).isGreaterThan(0.95);
        assertThat(ToneMeter.rms(decoded, SETTLED, decoded.length)).isGreaterThan(0.85 * ToneMeter.rms(TONE, 0, TONE.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void aLostFrameInASteadyToneIsConcealedWithTheTone(String name) throws Exception {
        OpusCodec codec = OpusCodec.select(name);
        List<byte[]> packets = encode(codec, TONE);
        short[] concealed = new short[OpusCodec.FRAME_SAMPLES];
        short[] afterwards = new short[OpusCodec.FRAME_SAMPLES];
        try (OpusCodec.Decoder decoder = codec.newDecoder()) {
            short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
            for (int i = 0; i < 25; i++) {
                decoder.decode(packets.get(i), 0, packets.get(i).length, pcm);
            }

            assertThat(decoder.decodeLost(concealed)).isEqualTo(OpusCodec.FRAME_SAMPLES);

            // The stream picks up again after the gap.
            for (int i = 26; i < 30; i++) {
                assertThat(decoder.decode(packets.get(i), 0, packets.get(i).length, afterwards))
                        .isEqualTo(OpusCodec.FRAME_SAMPLES);
            }
        }
        double inputRms = ToneMeter.rms(TONE, 0, TONE.length);
        assertThat(ToneMeter.rms(concealed, 0, concealed.length)).isGreaterThan(0.3 * inputRms);
        assertThat(ToneMeter.powerFractionNear(concealed, 0, concealed.length, 440, 60)).isGreaterThan(0.8);
        assertThat(ToneMeter.rms(afterwards, 0, afterwards.length)).isGreaterThan(0.8 * inputRms);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void junkIsRefusedWithOpusFormatExceptionAndTheDecoderCarriesOn(String name) throws Exception {
        OpusCodec codec = OpusCodec.select(name);
        byte[] good = encode(codec, TONE).get(10);
        byte[][] junk = {
            {},                                          // EMPTY
            new byte[OpusCodec.MAX_PACKET_BYTES + 1],    // TOO_LARGE
            {(byte) 0xFC, 1, 2, 3},                      // STEREO: CELT FB 20 ms, stereo flag
            {(byte) 0xFB, 0x00, 1, 2},                   // MALFORMED: code 3 with zero frames
            {(byte) 0xF9, 1, 2, 3},                      // MALFORMED: code 1 with an odd payload
            {(byte) 0xF8 ^ 0x08, 1, 2, 3},               // NOT_20_MS: CELT FB 10 ms, one frame
        };
        OpusPacketVerdict[] reasons = {
            OpusPacketVerdict.EMPTY, OpusPacketVerdict.TOO_LARGE, OpusPacketVerdict.STEREO,
            OpusPacketVerdict.MALFORMED, OpusPacketVerdict.MALFORMED, OpusPacketVerdict.NOT_20_MS,
        };
        try (OpusCodec.Decoder decoder = codec.newDecoder()) {
            short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
            for (int i = 0; i < junk.length; i++) {
                byte[] packet = junk[i];
                assertThatThrownBy(() -> decoder.decode(packet, 0, packet.length, pcm))
                        .isInstanceOf(OpusFormatException.class)
                        .hasMessageContaining("refused")
                        .extracting(e -> ((OpusFormatException) e).reason()).isEqualTo(reasons[i]);
            }
            assertThat(decoder.decode(good, 0, good.length, pcm)).isEqualTo(OpusCodec.FRAME_SAMPLES);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void closingTwiceIsHarmlessAndUseAfterCloseFailsCleanly(String name) {
        OpusCodec codec = OpusCodec.select(name);
        OpusCodec.Encoder encoder = codec.newEncoder(OpusCodec.DEFAULT_BITRATE);
        OpusCodec.Decoder decoder = codec.newDecoder();
        encoder.close();
        encoder.close();
        decoder.close();
        decoder.close();

        byte[] packet = {(byte) 0xF8, 0};
        assertThatThrownBy(() -> encoder.encode(new short[OpusCodec.FRAME_SAMPLES], new byte[OpusCodec.MAX_PACKET_BYTES]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> decoder.decode(packet, 0, packet.length, new short[OpusCodec.FRAME_SAMPLES]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> decoder.decodeLost(new short[OpusCodec.FRAME_SAMPLES]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    static List<byte[]> encode(OpusCodec codec, short[] signal) {
        List<byte[]> packets = new ArrayList<>();
        byte[] out = new byte[OpusCodec.MAX_PACKET_BYTES];
        try (OpusCodec.Encoder encoder = codec.newEncoder(OpusCodec.DEFAULT_BITRATE)) {
            for (int i = 0; i < signal.length / OpusCodec.FRAME_SAMPLES; i++) {
                int length = encoder.encode(ToneMeter.frame(signal, i), out);
                packets.add(java.util.Arrays.copyOf(out, length));
            }
        }
        return packets;
    }

    private static short[] decode(OpusCodec codec, List<byte[]> packets) throws OpusFormatException {
        short[] decoded = new short[packets.size() * OpusCodec.FRAME_SAMPLES];
        short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
        try (OpusCodec.Decoder decoder = codec.newDecoder()) {
            for (int i = 0; i < packets.size(); i++) {
                byte[] packet = packets.get(i);
                assertThat(decoder.decode(packet, 0, packet.length, pcm)).isEqualTo(OpusCodec.FRAME_SAMPLES);
                System.arraycopy(pcm, 0, decoded, i * OpusCodec.FRAME_SAMPLES, OpusCodec.FRAME_SAMPLES);
            }
        }
        return decoded;
    }
}
