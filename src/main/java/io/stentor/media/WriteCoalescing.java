package io.stentor.media;

import io.stentor.config.StentorConfig;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides how many frames a fan-out gathers into one socket write. Each write costs several
 * microseconds of kernel time per listener, which is what bounds a node; sending 2–5 frames per
 * write divides that cost at the price of 20–80 ms more latency. So: one frame per write while the
 * event loops are relaxed, more as their measured busy share grows, and back down when it falls.
 * Thread-safe: loops report their busy time, the publisher adjusts every half second.
 */
final class WriteCoalescing {

    static final double RAISE_ABOVE = 0.5; // share of wall time the loops spend writing
    static final double LOWER_BELOW = 0.2;
    /** Where a raise aims: the writes per listener fall with the frames per write, and the load with them. */
    static final double AIM = 0.35;

    private final int max;
    private final LongAdder busyNanos = new LongAdder();
    private volatile int framesPerWrite = 1;
    private long windowStart = System.nanoTime();

    WriteCoalescing(int max) {
        this(max, 1);
    }

    /** Starting at {@code initial} frames per write (tests; a fan-out starts at 1). */
    WriteCoalescing(int max, int initial) {
        this.max = Math.clamp(max, 1, StentorConfig.Media.MAX_FRAMES_PER_WRITE);
        this.framesPerWrite = Math.clamp(initial, 1, this.max);
    }

    int max() {
        return max;
    }

    int framesPerWrite() {
        return framesPerWrite;
    }

    /** An event loop spent this long delivering one frame to its listeners. */
    void busy(long nanos) {
        busyNanos.add(nanos);
    }

    /** Re-decides from the last window; call about twice a second, from the publishing thread. */
    void adjust(int loops) {
        long now = System.nanoTime();
        long wall = now - windowStart;
        windowStart = now;
        double load = wall <= 0 || loops == 0 ? 0 : busyNanos.sumThenReset() / (double) (wall * loops);
        framesPerWrite = next(framesPerWrite, load, max);
    }

    /**
     * The policy itself, with a dead band so it does not flap. Up fast: a crowd arriving at once
     * must not wait a second per step, so a raise goes at once to the frames per write that would
     * bring the load back to {@link #AIM} (the load falls as writes do). Down one step at a time.
     */
    static int next(int current, double load, int max) {
        if (load > RAISE_ABOVE && current < max) {
            int aimed = (int) Math.ceil(current * load / AIM);
            return Math.min(max, Math.max(current + 1, aimed));
        }
        if (load < LOWER_BELOW && current > 1) {
            return current - 1;
        }
        return current;
    }
}
