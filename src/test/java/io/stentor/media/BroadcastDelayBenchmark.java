package io.stentor.media;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the broadcast delay adds to one 20 ms tick of a space: one frame in, the due frame out, at
 * delay 0 (pass-through), 10 s and 30 s (a full ring of 1,500 frames). With {@code -prof gc} it
 * shows the stage allocates nothing per frame (the packet is the caller's copy).
 *
 * <pre>bench/jmh.sh BroadcastDelayBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BroadcastDelayBenchmark {

    @Param({"0", "10", "30"})
    int seconds;

    private BroadcastDelay delay;
    private byte[][] packets; // 50 distinct 80-byte frames, looped: the caller's copies
    private long tick;

    @Setup(Level.Trial)
    public void setUp(Blackhole sink) {
        delay = new BroadcastDelay((seq, cap, arr, p) -> sink.consume(p), new MediaStage("delay", new SimpleMeterRegistry()),
                new byte[] {(byte) 0xf8, (byte) 0xff, (byte) 0xfe});
        delay.delayFrames(seconds * BroadcastDelay.FRAMES_PER_SECOND);
        packets = new byte[50][80];
        for (int i = 0; i < packets.length; i++) {
            packets[i][0] = (byte) 0xfc;
            packets[i][1] = (byte) i;
        }
        for (int i = 0; i < BroadcastDelay.CAPACITY; i++) { // fill the ring: measure the steady state
            push();
        }
    }

    @Benchmark
    public void push() {
        long t = tick++;
        delay.push(packets[(int) (t % packets.length)], t * 20_000, 1 + t, t * 20);
    }
}
