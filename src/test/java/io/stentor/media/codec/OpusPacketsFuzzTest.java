package io.stentor.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tomp2p.opuswrapper.Opus;

/**
 * Random packets, seeded so a failure replays: the check never throws and agrees with libopus's own
 * parser on every one of them, and neither decoder does anything but decode or refuse.
 */
class OpusPacketsFuzzTest {

    private static final long SEED = 6716;

    @Test
    void anyBytesAndAnyLimitGetAVerdictNeverAnException() {
        Random random = new Random(SEED);
        Map<OpusPacketVerdict, Integer> seen = new EnumMap<>(OpusPacketVerdict.class);
        for (int i = 0; i < 200_000; i++) {
            byte[] packet = i % 2 == 0 ? rawBytes(random) : framedPacket(random);
            int limit = random.nextInt(2 * OpusCodec.MAX_PACKET_BYTES);
            seen.merge(OpusPackets.check(packet, limit), 1, Integer::sum);
        }
        // Every verdict was reached, so the generator explores the whole decision.
        assertThat(seen.keySet()).containsExactlyInAnyOrder(OpusPacketVerdict.values());
    }

    @Test
    void verdictMatchesWhatLibopusParsesForEveryRandomPacket() {
        Opus lib = libopus();
        ByteBuffer toc = ByteBuffer.allocateDirect(1);
        byte[] framePointers = new byte[48 * Long.BYTES];
        var sizes = ByteBuffer.allocateDirect(48 * Short.BYTES).order(ByteOrder.nativeOrder()).asShortBuffer();
        var payloadOffset = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
        Random random = new Random(SEED + 1);
        Map<OpusPacketVerdict, Integer> seen = new EnumMap<>(OpusPacketVerdict.class);
        for (int i = 0; i < 100_000; i++) {
            byte[] packet = framedPacket(random);
            int frames = lib.opus_packet_parse(packet, packet.length, toc, framePointers, sizes, payloadOffset);
            OpusPacketVerdict expected;
            if ((packet[0] & 0x04) != 0) {
                expected = OpusPacketVerdict.STEREO;
            } else if (frames < 0) {
                expected = OpusPacketVerdict.MALFORMED;
            } else if (frames * lib.opus_packet_get_samples_per_frame(packet, OpusCodec.SAMPLE_RATE) != 960) {
                expected = OpusPacketVerdict.NOT_20_MS;
            } else {
                expected = OpusPacketVerdict.ACCEPTED;
            }
            OpusPacketVerdict actual = OpusPackets.check(packet, OpusCodec.MAX_PACKET_BYTES);
            if (actual != expected) {
                fail("packet %s: libopus says %s, OpusPackets says %s", HexFormat.of().formatHex(packet), expected, actual);
            }
            seen.merge(actual, 1, Integer::sum);
        }
        assertThat(seen).containsKeys(OpusPacketVerdict.ACCEPTED, OpusPacketVerdict.MALFORMED,
                OpusPacketVerdict.NOT_20_MS, OpusPacketVerdict.STEREO);
        assertThat(seen.get(OpusPacketVerdict.ACCEPTED)).isGreaterThan(5_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void decodersOnlyEverDecodeOrRefuseRandomPacketsAndStayUsable(String name) throws Exception {
        OpusCodec codec = OpusCodec.select(name);
        byte[] good = OpusRoundTripTest.encode(codec, ToneMeter.sine(440, 0.5, 10 * OpusCodec.FRAME_SAMPLES)).get(5);
        Random random = new Random(SEED + 2);
        short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
        int decoded = 0;
        int refused = 0;
        try (OpusCodec.Decoder decoder = codec.newDecoder()) {
            for (int i = 0; i < 20_000; i++) {
                byte[] packet = i % 4 == 0 ? rawBytes(random) : framedPacket(random);
                try {
                    assertThat(decoder.decode(packet, 0, packet.length, pcm)).isEqualTo(OpusCodec.FRAME_SAMPLES);
                    decoded++;
                } catch (OpusFormatException e) {
                    assertThat(e.reason()).isNotEqualTo(OpusPacketVerdict.ACCEPTED);
                    refused++;
                }
            }
            assertThat(decoder.decode(good, 0, good.length, pcm)).isEqualTo(OpusCodec.FRAME_SAMPLES);
        }
        assertThat(decoded).isGreaterThan(1_000);
        assertThat(refused).isGreaterThan(1_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "java"})
    void encodersTurnAnyPcmIntoAPacketTheCheckAccepts(String name) {
        Random random = new Random(SEED + 3);
        byte[] out = new byte[OpusCodec.MAX_PACKET_BYTES];
        short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
        try (OpusCodec.Encoder encoder = OpusCodec.select(name).newEncoder(OpusCodec.DEFAULT_BITRATE)) {
            for (int i = 0; i < 2_000; i++) {
                fillWithHarshPcm(random, pcm);
                int length = encoder.encode(pcm, out);
                assertThat(OpusPackets.check(out, 0, length, OpusCodec.MAX_PACKET_BYTES)).isEqualTo(OpusPacketVerdict.ACCEPTED);
            }
        }
    }

    /** Full-scale noise, clipped square waves, DC, silence and single clicks, in random turns. */
    private static void fillWithHarshPcm(Random random, short[] pcm) {
        int kind = random.nextInt(5);
        int period = 2 + random.nextInt(200);
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = switch (kind) {
                case 0 -> (short) random.nextInt(65536);
                case 1 -> (i / period) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
                case 2 -> Short.MIN_VALUE;
                case 3 -> 0;
                default -> i == period ? Short.MAX_VALUE : 0;
            };
        }
    }

    /** Uniformly random bytes, 0 to 40 of them: mostly junk at the framing level. */
    private static byte[] rawBytes(Random random) {
        byte[] packet = new byte[random.nextInt(41)];
        random.nextBytes(packet);
        return packet;
    }

    /**
     * A packet shaped like Opus: any TOC byte, a code-3 frame count byte with 0–8 frames and random
     * VBR and padding flags, then bytes that are mostly small, so that length and padding fields
     * often (but not always) add up.
     */
    private static byte[] framedPacket(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int toc = random.nextInt(256);
        out.write(toc);
        if ((toc & 0x03) == 3) {
            out.write((random.nextBoolean() ? 0x80 : 0) | (random.nextInt(4) == 0 ? 0x40 : 0) | random.nextInt(9));
        }
        int tail = random.nextInt(24);
        for (int i = 0; i < tail; i++) {
            out.write(random.nextInt(5) == 0 ? random.nextInt(256) : random.nextInt(8));
        }
        return out.toByteArray();
    }

    private static Opus libopus() {
        assertThat(NativeOpus.isAvailable()).as("libopus is the oracle here").isTrue();
        return Opus.INSTANCE;
    }
}
