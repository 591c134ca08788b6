package io.stentor.media;

import io.stentor.media.codec.OpusCodec;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 20 ms clock of one live space: each tick takes one frame (or a concealment, or nothing) from
 * every speaker's jitter buffer, decodes, sums, limits, and encodes ONCE for all listeners. Speakers
 * hear each other through forwarded packets instead, so there is no per-speaker encode. A silent or
 * vanished speaker costs nothing and never holds the clock.
 *
 * <p>{@link #tick()} runs on one media-clock thread at a time; speakers are added and removed from
 * network threads.
 */
final class SpaceMixer {

    static final int FRAME_SAMPLES = 960; // 20 ms at 48 kHz
    private static final Logger LOG = LoggerFactory.getLogger(SpaceMixer.class);

    private final List<SpeakerChannel> speakers = new CopyOnWriteArrayList<>();
    private final OpusCodec.Encoder encoder;
    private final MixOutput output;
    private final MediaStage stage;
    private final Limiter limiter = new Limiter();
    private final int[] sum = new int[FRAME_SAMPLES];
    private final short[] pcm = new short[FRAME_SAMPLES];
    private final short[] mixed = new short[FRAME_SAMPLES];
    private final byte[] packet = new byte[1275];
    private int sequence;
    private boolean failedOnce;

    private final MediaStage jitterStage;

    SpaceMixer(OpusCodec.Encoder encoder, MixOutput output, MediaStage stage, MediaStage jitterStage) {
        this.jitterStage = jitterStage;
        this.encoder = encoder;
        this.output = output;
        this.stage = stage;
    }

    void add(SpeakerChannel s) {
        speakers.add(s);
    }

    void remove(SpeakerChannel s) {
        speakers.remove(s);
    }

    List<SpeakerChannel> speakers() {
        return speakers;
    }

    /** One 20 ms step. Never throws: a failure is logged once and the clock keeps going. */
    void tick() {
        try {
            mix();
        } catch (RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.error("mixer tick failed; the clock keeps running", e);
            }
        }
    }

    private void mix() {
        Arrays.fill(sum, 0);
        long earliestCapture = Long.MAX_VALUE;
        long earliestArrival = 0;
        for (SpeakerChannel s : speakers) {
            JitterBuffer.Poll poll = s.jitter.poll();
            long skipped = s.jitter.skipped();
            for (; s.skippedSeen < skipped; s.skippedSeen++) {
                jitterStage.drop(DropReason.CATCH_UP);
            }
            int n = switch (poll) {
                case FRAME -> {
                    byte[] p = s.jitter.packet();
                    stage.in();
                    if (s.jitter.captureMicros() < earliestCapture) {
                        earliestCapture = s.jitter.captureMicros();
                        earliestArrival = s.jitter.arrivalNanos();
                    }
                    yield decode(s, p);
                }
                case LOST -> s.decoder.decodeLost(pcm);
                case IDLE -> 0;
            };
            if (n <= 0) {
                s.level = 0;
                continue;
            }
            long energy = 0;
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                sum[i] += pcm[i];
                energy += (long) pcm[i] * pcm[i];
            }
            double level = Math.sqrt(energy / (double) FRAME_SAMPLES) / 32768.0;
            s.level = level;
            s.levelPeakSinceReport = Math.max(s.levelPeakSinceReport, level);
        }
        limiter.process(sum, mixed, FRAME_SAMPLES);
        int length = encoder.encode(mixed, packet);
        long capture = earliestCapture == Long.MAX_VALUE ? System.currentTimeMillis() * 1000 : earliestCapture;
        stage.out();
        output.frame(sequence++, capture, earliestArrival, packet, length);
    }

    private int decode(SpeakerChannel s, byte[] p) {
        try {
            return s.decoder.decode(p, 0, p.length, pcm);
        } catch (io.stentor.media.codec.OpusFormatException | RuntimeException e) {
            // Validated at ingest, so this is rare: conceal instead of losing the tick.
            stage.drop(DropReason.INVALID_OPUS);
            return s.decoder.decodeLost(pcm);
        }
    }
}
