package io.stentor.media;

import io.stentor.space.Space;

/**
 * The broadcast delay of one live space (a DSA Art 35 measure for live events): holds the mixed
 * stream 0-30 s before the listeners' outputs air it, so that a moderator can {@link #cut} what
 * must not air. One stage of the media path:
 *
 * <pre>ingest → JitterBuffer → SpaceMixer → BroadcastDelay → {Fanout(ws), Ogg pager → Fanout(ogg)}
 *                                    └→ Recorder (undelayed: what was said, cuts marked beside it)</pre>
 *
 * <p>Time is counted in frames, one per 20 ms tick of the mixer, so the delay is exact whatever the
 * clock's jitter. The output is one frame per tick, numbered by this stage's own sequence:
 * <ul>
 * <li>delay 0: each frame airs as it comes (the stage is a pass-through; its ring is never allocated);
 * <li>delay raised: no held frame is due for the difference, and silence airs meanwhile (a hold);
 * <li>delay lowered: held frames already overdue are skipped (counted as {@link DropReason#SKIPPED}),
 *     so listeners jump ahead to the new delay;
 * <li>cut: the audio of every held frame not yet aired is dropped (counted as {@link DropReason#CUT});
 *     silence airs in its place at the same times, so players keep their clock and audio continues
 *     after the span.
 * </ul>
 * A frame keeps its capture time, so a client's end-to-end latency includes the delay; its arrival
 * time is moved on by the time it was held on purpose, so the server-added latency metric does not.
 *
 * <p>Bounded: at most {@link #CAPACITY} frames (30 s × 50). Allocates its ring once, the first time
 * a delay is set, and nothing per frame beyond the packet the caller already copied; nothing per
 * listener ever. {@link #push} and {@link #cut} run under the space's tick lock (one thread at a
 * time); {@link #delayFrames(int)} may be called from any thread and takes effect on the next tick.
 */
final class BroadcastDelay {

    static final int FRAMES_PER_SECOND = 50;
    static final int FRAME_MS = 20;
    static final int CAPACITY = Space.MAX_BROADCAST_DELAY_SECONDS * FRAMES_PER_SECOND;

    /** Where aired frames go: the listener outputs. {@code packet} is never modified and may be kept. */
    @FunctionalInterface
    interface Air {
        void air(int sequence, long captureMicros, long arrivalNanos, byte[] packet);
    }

    private final Air out;
    private final MediaStage stage;
    private final byte[] silence;
    private volatile int delayFrames;

    // The ring of held frames, oldest at head; parallel arrays so that holding a frame allocates nothing.
    private byte[][] packets;
    private long[] captures;
    private long[] arrivals;
    private long[] ticks;
    private long[] heldSince;
    private long[] timeline;
    private int head;
    private int count;
    private long tick;
    private int sequence;

    /**
     * @param silence an Opus packet of 20 ms of silence: what airs during a hold and instead of cut audio
     */
    BroadcastDelay(Air out, MediaStage stage, byte[] silence) {
        this.out = out;
        this.stage = stage;
        this.silence = silence;
    }

    /** Sets the delay (0 to {@link #CAPACITY} frames); applies from the next frame. Any thread. */
    void delayFrames(int frames) {
        if (frames < 0 || frames > CAPACITY) {
            throw new IllegalArgumentException("delay of " + frames + " frames is outside 0.." + CAPACITY);
        }
        delayFrames = frames;
    }

    int delayFrames() {
        return delayFrames;
    }

    /** Frames held now, not yet aired. */
    int held() {
        return count;
    }

    /**
     * One frame from the mixer (once per tick): airs whatever is due now, then holds this one (or,
     * with no delay, airs it at once).
     *
     * @param packet     the encoded frame; kept by reference until it airs, so the caller must not reuse it
     * @param timelineMs where the frame sits on the space's timeline (its position in the recording)
     */
    void push(byte[] packet, long captureMicros, long arrivalNanos, long timelineMs) {
        stage.in();
        long now = tick++;
        int delay = delayFrames; // read once: one consistent delay per tick
        boolean aired = false;
        // Each held frame is due at its tick + delay; at most one is due exactly now. Frames due
        // earlier are overdue only because the delay was just lowered: skip them (jump ahead).
        while (count > 0) {
            int i = head;
            long due = ticks[i] + delay;
            if (due > now) {
                break;
            }
            if (due < now) {
                if (packets[i] != silence) { // a cut frame was counted when it was cut
                    stage.drop(DropReason.SKIPPED);
                }
            } else {
                airHeld(i);
                aired = true;
            }
            packets[i] = null; // the ring must not keep packets alive
            head = (head + 1) % CAPACITY;
            count--;
        }
        if (delay == 0) { // pass-through: behaviour and cost as if there were no delay stage
            out.air(sequence++, captureMicros, arrivalNanos, packet);
            stage.out();
            return;
        }
        hold(packet, captureMicros, arrivalNanos, timelineMs, now);
        if (!aired) {
            // A hold (delay just raised, or the space just went live): silence stands for the audio
            // of one delay ago, so the listeners' stream keeps its pace.
            out.air(sequence++, captureMicros - (long) delay * FRAME_MS * 1000, 0, silence);
        }
    }

    /**
     * Drops the audio of every held frame that has not aired yet; silence airs in its place. Returns
     * the range dropped, or null when nothing was held (no delay, or cut already).
     */
    BroadcastCut cut() {
        long from = -1;
        long to = -1;
        int frames = 0;
        for (int n = 0; n < count; n++) {
            int i = (head + n) % CAPACITY;
            if (packets[i] == silence) {
                continue; // cut before
            }
            if (from < 0) {
                from = timeline[i];
            }
            to = timeline[i] + FRAME_MS;
            packets[i] = silence;
            arrivals[i] = 0;
            frames++;
            stage.drop(DropReason.CUT);
        }
        return frames == 0 ? null : new BroadcastCut(from, to, frames);
    }

    private void airHeld(int i) {
        byte[] p = packets[i];
        // Move the arrival on by the time held on purpose: the latency metric measures the server's work.
        long arrival = arrivals[i] == 0 ? 0 : arrivals[i] + (System.nanoTime() - heldSince[i]);
        out.air(sequence++, captures[i], arrival, p);
        if (p != silence) {
            stage.out();
        }
    }

    private void hold(byte[] packet, long captureMicros, long arrivalNanos, long timelineMs, long now) {
        if (packets == null) { // first use: about 66 KB per space, once
            packets = new byte[CAPACITY][];
            captures = new long[CAPACITY];
            arrivals = new long[CAPACITY];
            ticks = new long[CAPACITY];
            heldSince = new long[CAPACITY];
            timeline = new long[CAPACITY];
        }
        // Never full: after the loop in push, held frames are younger than the delay (≤ CAPACITY - 1).
        int i = (head + count) % CAPACITY;
        packets[i] = packet;
        captures[i] = captureMicros;
        arrivals[i] = arrivalNanos;
        ticks[i] = now;
        heldSince[i] = arrivalNanos == 0 ? 0 : System.nanoTime();
        timeline[i] = timelineMs;
        count++;
    }
}
