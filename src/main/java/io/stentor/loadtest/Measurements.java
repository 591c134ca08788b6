package io.stentor.loadtest;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Shared by all listeners of one load generator: the measurement window and the latency
 * histograms (microseconds). Histograms are concurrent: any event loop may record.
 */
final class Measurements {

    final ConcurrentHistogram joinMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    /** Due to admitted ({@code POST /join} answered 200), for listeners that join first. */
    final ConcurrentHistogram admitMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    /** Due to opened (the client's lag), and opened to the server's answer; see {@link LoadReport.JoinSteps}. */
    final ConcurrentHistogram clientLagMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    final ConcurrentHistogram answerMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    /** System.nanoTime() of the last admission (0: none yet). */
    final java.util.concurrent.atomic.AtomicLong lastAdmitNanos = new java.util.concurrent.atomic.AtomicLong();
    volatile long windowStartNanos = Long.MAX_VALUE;
    volatile long windowEndNanos = Long.MAX_VALUE;

    boolean inWindow(long nanos) {
        return nanos >= windowStartNanos && nanos < windowEndNanos;
    }

    static Histogram copy(ConcurrentHistogram h) {
        return h.copy();
    }
}
