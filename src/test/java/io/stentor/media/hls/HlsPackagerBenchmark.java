package io.stentor.media.hls;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the HLS tier adds to a space's 20 ms tick: appending one frame to the packager, averaged
 * over a part (24 plain appends, then one that writes the part's fragment and renders the new
 * playlist) and over segments (every 4th part also joins a segment). Listener-independent: this
 * is the whole per-space cost of the tier, however many listen.
 *
 * <pre>bench/jmh.sh HlsPackagerBenchmark -f 1 -wi 5 -i 10 -w 2s -r 2s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HlsPackagerBenchmark {

    private HlsPackager packager;
    private final byte[][] frames = new byte[50][];
    private int next;

    @Setup
    public void setUp() {
        packager = new HlsPackager(new HlsLayout(100, 25, 6, 32_000), "lbench", 2);
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new byte[70 + ThreadLocalRandom.current().nextInt(40)]; // 32 kbit/s Opus: ~80 bytes
        }
    }

    @Benchmark
    public HlsView appendOneFrame() {
        packager.append(frames[next++ % frames.length]);
        return packager.view();
    }
}
