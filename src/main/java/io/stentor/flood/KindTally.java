package io.stentor.flood;

import io.stentor.loadtest.LoadReport;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * What one kind of attack has observed so far: attempts, answers by status and error code, how
 * connections ended, and answer latency. Any event loop may record; the runner reads.
 */
final class KindTally {

    /** A connection the server closed without answering within this long of connecting was refused on connect. */
    static final long ON_CONNECT_NANOS = 1_000_000_000L;

    final FloodKind kind;
    final LongAdder attempts = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder retryAfter = new LongAdder();
    final LongAdder closedOnConnect = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder connectErrors = new LongAdder();
    final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    final Map<String, LongAdder> byError = new ConcurrentHashMap<>();
    final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    private final List<String> failures = new CopyOnWriteArrayList<>();

    KindTally(FloodKind kind) {
        this.kind = kind;
    }

    void answer(int status, long latencyNanos, boolean hasRetryAfter) {
        answered.increment();
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        latencyMicros.recordValue(Math.max(0, Math.min(latencyNanos / 1000, 3_600_000_000L)));
        if (hasRetryAfter) {
            retryAfter.increment();
        }
    }

    void errorCode(String code) {
        byError.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void closedUnanswered(long sinceConnectNanos) {
        (sinceConnectNanos < ON_CONNECT_NANOS ? closedOnConnect : closedByServer).increment();
    }

    void connectFailed(Throwable cause) {
        connectErrors.increment();
        if (failures.size() < 5) {
            failures.add("connect: " + cause.getMessage());
        }
    }

    FloodReport.KindResult result() {
        Map<String, Long> statuses = new TreeMap<>();
        byStatus.forEach((s, n) -> statuses.put(Integer.toString(s), n.sum()));
        Map<String, Long> errors = new TreeMap<>();
        byError.forEach((c, n) -> errors.put(c, n.sum()));
        return new FloodReport.KindResult(kind.label(), attempts.sum(), skipped.sum(), answered.sum(), statuses, errors,
                retryAfter.sum(), closedOnConnect.sum(), closedByServer.sum(), connectErrors.sum(),
                LoadReport.Percentiles.of(latencyMicros.copy()), List.copyOf(failures));
    }
}
