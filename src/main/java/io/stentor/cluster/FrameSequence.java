package io.stentor.cluster;

/**
 * Follows one relayed stream's sequence numbers and says what each new frame means: the next one,
 * a jump over frames that never arrived, or a new stream (the origin's mixer started over). Used
 * by one thread (the relay's dispatcher).
 */
final class FrameSequence {

    /** A jump forward larger than this (a minute of frames), or any jump back, is a new stream. */
    static final int MAX_GAP = 3000;

    /** What a frame's sequence number says. */
    enum Verdict { FIRST, NEXT, GAP, RESTART }

    private boolean started;
    private int expected;
    private int missed;

    /** Takes the frame's sequence number; after {@link Verdict#GAP}, {@link #missed()} says how many were skipped. */
    Verdict next(int sequence) {
        Verdict v;
        if (!started) {
            v = Verdict.FIRST;
        } else {
            int ahead = sequence - expected; // int arithmetic: wraps as the sequence does
            missed = ahead;
            v = ahead == 0 ? Verdict.NEXT : ahead > 0 && ahead <= MAX_GAP ? Verdict.GAP : Verdict.RESTART;
        }
        started = true;
        expected = sequence + 1;
        return v;
    }

    /** Frames skipped by the last {@link Verdict#GAP}. */
    int missed() {
        return missed;
    }
}
