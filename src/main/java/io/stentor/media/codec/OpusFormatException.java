package io.stentor.media.codec;

/**
 * A packet a decoder refused: not a well-formed 20 ms mono Opus packet, or one the codec could not
 * decode. Carries the {@link OpusPacketVerdict} so callers count it with the ingest drops. Immutable;
 * any thread.
 */
public final class OpusFormatException extends Exception {

    private final OpusPacketVerdict reason;

    public OpusFormatException(OpusPacketVerdict reason, String message) {
        // No stack trace: a flood of junk packets must not cost a stack walk each, and the place
        // it comes from is always a decode call.
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Why the packet was refused; never {@link OpusPacketVerdict#ACCEPTED}. */
    public OpusPacketVerdict reason() {
        return reason;
    }
}
