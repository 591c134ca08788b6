package io.stentor.media;

import java.util.Locale;

/** Why the media plane dropped a packet or a frame; each is counted in /metrics. */
public enum DropReason {
    /** Shorter than the header or an unknown message kind. */
    MALFORMED,
    /** Not a valid 20 ms mono Opus packet. */
    INVALID_OPUS,
    /** Larger than {@code media.max-packet-bytes}. */
    OVERSIZED,
    /** From someone who is not (or no longer) on stage. */
    NOT_SPEAKER,
    /** From a muted speaker. */
    MUTED,
    /** A speaker sending faster than real time. */
    FLOOD,
    /** Arrived after its play-out time. */
    LATE,
    /** The same sequence number twice. */
    DUPLICATE,
    /** Skipped to drain delay that a burst built up in a speaker's jitter buffer. */
    CATCH_UP,
    /** A listener whose connection could not take more. */
    SLOW_LISTENER,
    /** Held in the broadcast delay and cut by a moderator before it aired (silence aired instead). */
    CUT,
    /** Held in the broadcast delay and skipped when the delay was shortened (listeners jumped ahead). */
    SKIPPED,
    /** A recording page could not be written (disk full?). */
    WRITE_FAILED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
