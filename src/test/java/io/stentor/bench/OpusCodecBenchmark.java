package io.stentor.bench;

import io.stentor.media.codec.OpusCodec;
import io.stentor.media.codec.OpusEncoderSettings;
import io.stentor.media.codec.OpusFormatException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one 20 ms Opus frame, encoded and decoded, per codec: what one space's mixer pays
 * every 20 ms (one encode) and per speaker (one decode). Cycles through one second of speech-like
 * audio so the codec state moves as it does on air; JMH gives each thread its own state. Run with
 * {@code bench/jmh.sh OpusCodecBenchmark}; add {@code -p complexity=0,3,5,10} for the complexity
 * curve and {@code -prof gc} for the garbage per frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpusCodecBenchmark {

    private static final int FRAMES = 50;

    @Param({"native", "java"})
    public String codec;

    @Param({"32000"})
    public int bitrate;

    @Param({"" + OpusEncoderSettings.DEFAULT_COMPLEXITY})
    public int complexity;

    private OpusCodec.Encoder encoder;
    private OpusCodec.Decoder decoder;
    private final short[][] speech = new short[FRAMES][];
    private final byte[][] packets = new byte[FRAMES][];
    private final byte[] out = new byte[OpusCodec.MAX_PACKET_BYTES];
    private final short[] pcmOut = new short[OpusCodec.FRAME_SAMPLES];
    private int frame;

    @Setup
    public void setUp() {
        OpusCodec opus = OpusCodec.select(codec);
        OpusEncoderSettings settings = new OpusEncoderSettings(bitrate, complexity);
        short[] second = speechLike(FRAMES * OpusCodec.FRAME_SAMPLES);
        try (OpusCodec.Encoder packetMaker = opus.newEncoder(settings)) {
            for (int i = 0; i < FRAMES; i++) {
                speech[i] = new short[OpusCodec.FRAME_SAMPLES];
                System.arraycopy(second, i * OpusCodec.FRAME_SAMPLES, speech[i], 0, OpusCodec.FRAME_SAMPLES);
                packets[i] = java.util.Arrays.copyOf(out, packetMaker.encode(speech[i], out));
            }
        }
        encoder = opus.newEncoder(settings);
        decoder = opus.newDecoder();
    }

    @TearDown
    public void tearDown() {
        encoder.close();
        decoder.close();
    }

    @Benchmark
    public int encode() {
        return encoder.encode(speech[next()], out);
    }

    @Benchmark
    public int decode() throws OpusFormatException {
        byte[] packet = packets[next()];
        return decoder.decode(packet, 0, packet.length, pcmOut);
    }

    private int next() {
        frame = frame + 1 == FRAMES ? 0 : frame + 1;
        return frame;
    }

    /**
     * A synthetic voiced talker: harmonics of a pitch gliding around 140 Hz, shaped by three vowel
     * formants (700, 1200, 2600 Hz), in six syllables a second, over faint noise. Not speech, but
     * it keeps the encoder in the SILK+CELT hybrid mode that speech at 32 kbit/s gets.
     */
    static short[] speechLike(int samples) {
        Random random = new Random(7);
        short[] pcm = new short[samples];
        double phase = 0;
        for (int i = 0; i < samples; i++) {
            double t = (double) i / OpusCodec.SAMPLE_RATE;
            double pitch = 140 + 25 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * pitch / OpusCodec.SAMPLE_RATE;
            double syllable = Math.max(0, Math.sin(2 * Math.PI * 3 * t));
            double voiced = 0;
            for (int h = 1; h * pitch < 7000; h++) {
                double f = h * pitch;
                double formants = 1 / (1 + sq((f - 700) / 150)) + 0.5 / (1 + sq((f - 1200) / 200))
                        + 0.25 / (1 + sq((f - 2600) / 300));
                voiced += formants * Math.sin(h * phase);
            }
            double v = 6000 * syllable * voiced + 200 * random.nextGaussian();
            pcm[i] = (short) Math.max(-32767, Math.min(32767, v));
        }
        return pcm;
    }

    private static double sq(double x) {
        return x * x;
    }
}
