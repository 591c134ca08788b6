package io.stentor.media;

import io.stentor.media.codec.OpusCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One 20 ms tick of a space's mixer with N speakers all talking: N jitter-buffer polls and Opus
 * decodes, the sum, the limiter, and the single encode. Spaces per core = 20 ms / (time per tick).
 *
 * <pre>bench/jmh.sh MixerBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MixerBenchmark {

    @Param({"2", "5", "13"})
    int speakers;

    @Param({"native", "java"})
    String codec;

    private SpaceMixer mixer;
    private SpeakerChannel[] channels;
    private byte[][][] tones; // per speaker, 50 pre-encoded frames of its own tone (1 s, looped)
    private int seq;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        this.sink = bh;
        OpusCodec c = OpusCodec.select(codec);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry reg = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        mixer = new SpaceMixer(c.newEncoder(32_000), (s, cap, arr, p, len) -> sink.consume(len), new MediaStage("mix", reg),
                new MediaStage("jitter", reg));
        channels = new SpeakerChannel[speakers];
        tones = new byte[speakers][50][];
        for (int s = 0; s < speakers; s++) {
            OpusCodec.Encoder enc = c.newEncoder(32_000);
            short[] pcm = new short[960];
            byte[] out = new byte[1275];
            double phase = 0;
            double step = 2 * Math.PI * (200 + 60 * s) / 48_000;
            for (int f = 0; f < 50; f++) {
                for (int i = 0; i < 960; i++) {
                    pcm[i] = (short) (Math.sin(phase) * 8000);
                    phase += step;
                }
                tones[s][f] = java.util.Arrays.copyOf(out, enc.encode(pcm, out));
            }
            enc.close();
            channels[s] = new SpeakerChannel("u" + s, "u" + s, s + 1, null, new JitterBuffer(1, 5), c.newDecoder());
            mixer.add(channels[s]);
        }
    }

    @Benchmark
    public void tick() {
        int s = seq++;
        for (int i = 0; i < speakers; i++) {
            channels[i].jitter.offer(s, 0, 0, tones[i][s % 50]);
        }
        mixer.tick();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (SpeakerChannel c : channels) {
            c.decoder.close();
        }
    }
}
