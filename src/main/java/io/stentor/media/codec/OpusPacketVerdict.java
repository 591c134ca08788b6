package io.stentor.media.codec;

/**
 * What {@link OpusPackets#check} decided about one received packet: {@link #ACCEPTED}, or the one
 * reason it was dropped, so ingest can count drops by reason. Immutable; any thread.
 */
public enum OpusPacketVerdict {
    /** A well-formed mono packet of exactly 20 ms, within the size limit. */
    ACCEPTED,
    /** Zero bytes (RFC 6716 R1). */
    EMPTY,
    /** Longer than the caller's limit. */
    TOO_LARGE,
    /** The TOC byte's stereo flag is set; Stentor carries mono only. */
    STEREO,
    /** The framing breaks RFC 6716 §3.4 (R2–R7): lengths, frame count or padding do not add up. */
    MALFORMED,
    /** Well-formed, but its frames do not add up to exactly 20 ms. */
    NOT_20_MS;

    public boolean accepted() {
        return this == ACCEPTED;
    }
}
