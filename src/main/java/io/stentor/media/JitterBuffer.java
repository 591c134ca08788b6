package io.stentor.media;

/**
 * Per-speaker reorder buffer between the network and the mixer's 20 ms clock. Packets are placed
 * by sequence number; play-out starts once {@code targetDepth} frames are buffered and then takes
 * one frame per tick. A missing frame is reported as {@link Poll#LOST} (the mixer conceals it),
 * a frame arriving after its turn is dropped as late, and after {@code maxConcealed} missing frames
 * in a row the speaker is treated as silent until enough packets arrive again, so a speaker who
 * stops or disconnects costs nothing and never holds the clock. When a burst (a sender that
 * stalled, then caught up) leaves more than {@code targetDepth + 1} frames waiting for 200 ms,
 * one frame is skipped (at most a 10% speed-up), so built-up delay drains instead of staying for
 * the rest of the space.
 *
 * <p>Thread-safe: the network thread offers, the mixer thread polls.
 */
public final class JitterBuffer {

    /** What the mixer gets for one tick. */
    public enum Poll { FRAME, LOST, IDLE }

    private static final int CATCH_UP_AFTER_TICKS = 10; // 200 ms of standing excess: drain at up to 10% speed-up

    /** Outcome of offering a packet. */
    public enum Offer { ACCEPTED, LATE, DUPLICATE }

    private static final int CAPACITY = 64; // 1.28 s of 20 ms frames; a power of two

    private final byte[][] packets = new byte[CAPACITY][];
    private final int[] seqs = new int[CAPACITY];
    private final long[] captures = new long[CAPACITY];
    private final long[] arrivals = new long[CAPACITY];
    private final int targetDepth;
    private final int maxConcealed;

    private boolean playing;
    private boolean played; // lastPlayed is meaningful even while not playing: older packets are late
    private int lastPlayed;
    private int nextSeq;
    private int buffered;
    private int concealedInARow;
    private int excessTicks;
    private long skipped;

    // The frame handed out by the last FRAME poll (read by the mixer thread right after polling).
    private byte[] polledPacket;
    private long polledCapture;
    private long polledArrival;

    public JitterBuffer(int targetDepth, int maxConcealed) {
        if (targetDepth < 1 || targetDepth >= CAPACITY / 2) {
            throw new IllegalArgumentException("targetDepth must be 1.." + (CAPACITY / 2 - 1));
        }
        this.targetDepth = targetDepth;
        this.maxConcealed = maxConcealed;
    }

    /** Stores a packet; {@code arrivalNanos} is System.nanoTime() at ingest (for latency). */
    public synchronized Offer offer(int seq, long captureMicros, long arrivalNanos, byte[] packet) {
        if (!playing && played && seq - lastPlayed <= 0) {
            // Only what was already played is late: a speaker resuming after a pause continues from there.
            return Offer.LATE;
        }
        if (playing) {
            int ahead = seq - nextSeq; // signed: works across the 32-bit wrap
            if (ahead < 0) {
                return Offer.LATE;
            }
            if (ahead >= CAPACITY) {
                // The speaker jumped far ahead (a reconnect, a long stall): start over from here.
                reset();
            }
        }
        int slot = seq & (CAPACITY - 1);
        if (packets[slot] != null && seqs[slot] == seq) {
            return Offer.DUPLICATE;
        }
        if (packets[slot] == null) {
            buffered++;
        }
        packets[slot] = packet;
        seqs[slot] = seq;
        captures[slot] = captureMicros;
        arrivals[slot] = arrivalNanos;
        if (!playing && buffered >= targetDepth) {
            startPlaying();
        }
        return Offer.ACCEPTED;
    }

    /** Advances one 20 ms tick. After FRAME, read the frame with {@link #packet()} and friends. */
    public synchronized Poll poll() {
        if (!playing) {
            return Poll.IDLE;
        }
        if (buffered > targetDepth + 1 && ++excessTicks >= CATCH_UP_AFTER_TICKS) {
            excessTicks = 0;
            int old = nextSeq & (CAPACITY - 1);
            if (packets[old] != null && seqs[old] == nextSeq) {
                packets[old] = null;
                buffered--;
            }
            nextSeq++;
            skipped++;
        } else if (buffered <= targetDepth + 1) {
            excessTicks = 0;
        }
        int slot = nextSeq & (CAPACITY - 1);
        byte[] p = packets[slot];
        boolean hit = p != null && seqs[slot] == nextSeq;
        nextSeq++;
        if (hit) {
            polledPacket = p;
            polledCapture = captures[slot];
            polledArrival = arrivals[slot];
            lastPlayed = seqs[slot];
            packets[slot] = null;
            buffered--;
            concealedInARow = 0;
            return Poll.FRAME;
        }
        if (++concealedInARow > maxConcealed) {
            // Gone quiet: stop concealing and wait for a fresh run of packets.
            playing = false;
            concealedInARow = 0;
            return Poll.IDLE;
        }
        return Poll.LOST;
    }

    public synchronized byte[] packet() {
        return polledPacket;
    }

    public synchronized long captureMicros() {
        return polledCapture;
    }

    public synchronized long arrivalNanos() {
        return polledArrival;
    }

    /** Forgets everything buffered (a mute takes effect on the very next tick). */
    public synchronized void clear() {
        reset();
    }

    public synchronized int buffered() {
        return buffered;
    }

    /** Frames skipped to drain built-up delay, since creation. */
    public synchronized long skipped() {
        return skipped;
    }

    private void reset() {
        java.util.Arrays.fill(packets, null);
        buffered = 0;
        playing = false;
        played = false;
        concealedInARow = 0;
    }

    private void startPlaying() {
        // Play from the oldest buffered sequence number.
        int oldest = 0;
        boolean found = false;
        for (int i = 0; i < CAPACITY; i++) {
            if (packets[i] != null && (!found || seqs[i] - oldest < 0)) {
                oldest = seqs[i];
                found = true;
            }
        }
        nextSeq = oldest;
        playing = true;
        played = true;
        concealedInARow = 0;
    }
}
