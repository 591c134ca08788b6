package io.stentor.loadtest;

/**
 * What one simulated listener observed: when it joined, how much audio it got inside the
 * measurement window, and (on the WebSocket tier) frames lost or out of order. Touched only by its
 * connection's event loop while the test runs, read after the loops have stopped.
 */
final class ListenerProbe {

    final long scheduledNanos;      // when the open-model schedule said this listener arrives
    int target;                     // index of the server it listens to (set once, before it connects)
    int waits;                      // turns in the waiting room before its join was admitted
    int proofs;                     // proofs of work its join needed
    long openedNanos;               // when the client began to open its connection
    long firstByteNanos;            // first audio byte (WebSocket frame or HTTP body)
    boolean joined;
    boolean failed;
    String failure;
    boolean closedEarly;

    // WebSocket tier: sequence accounting inside the window
    boolean sequenceStarted;
    int nextSequence;
    long frames;
    long framesInWindow;
    long lateInWindow;
    /** Frames skipped in the sequence inside the window: never arrived (coalesced writes at the window's edges are not gaps). */
    long gapsInWindow;

    // HTTP/Ogg tier: the granule position reached just before the window, and the last one inside it
    long bytes;
    long firstGranuleInWindow = -1;
    long lastGranuleInWindow = -1;
    /** Audio seconds that arrived within the first second after the first byte: > 1 means a burst from the past. */
    double audioInFirstSecond;
    long firstGranule = -1;

    ListenerProbe(long scheduledNanos, int target) {
        this.scheduledNanos = scheduledNanos;
        this.target = target;
    }

    /** The first audio byte: the listener has joined; its join latency counts from when it was due. */
    void audioArrived(long now, Measurements m) {
        if (firstByteNanos == 0) {
            firstByteNanos = now;
            m.joinMicros.recordValue(Math.max(0, (now - scheduledNanos) / 1000));
        }
    }

    /** The client begins to open this listener's connection (or its first HLS request). */
    void opening(Measurements m) {
        openedNanos = System.nanoTime();
        m.clientLagMicros.recordValue(Math.max(0, (openedNanos - scheduledNanos) / 1000));
    }

    /** The server answered the connection's request (101, 200, or a refusal). */
    void answered(Measurements m) {
        if (openedNanos != 0) {
            m.answerMicros.recordValue(Math.max(0, (System.nanoTime() - openedNanos) / 1000));
        }
    }

    /** The connection closed: early if the measurement window was still open. */
    void disconnected(Measurements m) {
        if (System.nanoTime() < m.windowEndNanos) {
            closedEarly = true;
        }
    }

    void fail(Throwable cause) {
        failed = true;
        failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Seconds of audio delivered inside the window. */
    double audioSecondsInWindow(boolean framed) {
        if (framed) { // WebSocket frames, or HLS parts counted as frames
            return framesInWindow * 0.020;
        }
        if (firstGranuleInWindow < 0 || lastGranuleInWindow < firstGranuleInWindow) {
            return 0;
        }
        return (lastGranuleInWindow - firstGranuleInWindow) / 48_000.0;
    }
}
