package io.stentor.media;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.netty.channel.Channel;
import io.stentor.media.codec.OpusCodec;
import java.time.Duration;

/**
 * One speaker's live connection into a space: their slot number (the {@code source} in forwarded
 * packets), their jitter buffer and decoder (used by the mixer thread only), and a flood limit.
 * Created per media connection, so a reconnect starts a fresh sequence.
 */
final class SpeakerChannel {

    final String userId;
    final String handle;
    final int slot;
    final Channel channel;
    final JitterBuffer jitter;
    final OpusCodec.Decoder decoder; // mixer thread only
    /** Real time is 50 packets a second; allow bursts after a network stall, refuse sustained floods. */
    private final Bucket flood = Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(50).refillGreedy(60, Duration.ofSeconds(1)).build()).build();
    /** Root-mean-square level of the last mixed frame, 0..1; written by the mixer, read by the level reporter. */
    volatile double level;
    double levelPeakSinceReport; // mixer thread only
    long skippedSeen; // mixer thread only: jitter-buffer skips already counted

    SpeakerChannel(String userId, String handle, int slot, Channel channel, JitterBuffer jitter, OpusCodec.Decoder decoder) {
        this.userId = userId;
        this.handle = handle;
        this.slot = slot;
        this.channel = channel;
        this.jitter = jitter;
        this.decoder = decoder;
    }

    boolean withinRate() {
        return flood.tryConsume(1);
    }
}
