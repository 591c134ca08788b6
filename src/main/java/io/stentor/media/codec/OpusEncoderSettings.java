package io.stentor.media.codec;

/**
 * How an encoder is set up: bitrate and complexity (0–10). Validated on construction. Immutable;
 * any thread.
 *
 * @param bitrateBitsPerSecond target average bitrate; 6–510 kbit/s is what libopus honours for mono
 * @param complexity 0–10; the encoder's CPU cost roughly triples from 3 to 10 (see DEFAULT_COMPLEXITY)
 */
public record OpusEncoderSettings(int bitrateBitsPerSecond, int complexity) {

    public static final int MIN_BITRATE = 6_000;
    public static final int MAX_BITRATE = 510_000;

    /**
     * 5, measured on this project's 2-core EPYC for 20 ms of speech-like audio at 32 kbit/s in
     * hybrid mode (native libopus): ~95 µs at 3, ~150–190 µs at 5, ~260–330 µs at 9–10. The mixer
     * encodes once per space every 20 ms, so 5 keeps SILK's medium pitch and noise-shaping
     * analysis at about half the cost of 10.
     */
    public static final int DEFAULT_COMPLEXITY = 5;

    public OpusEncoderSettings {
        if (bitrateBitsPerSecond < MIN_BITRATE || bitrateBitsPerSecond > MAX_BITRATE) {
            throw new IllegalArgumentException("Opus bitrate must be " + MIN_BITRATE + ".." + MAX_BITRATE
                    + " bit/s, was " + bitrateBitsPerSecond);
        }
        if (complexity < 0 || complexity > 10) {
            throw new IllegalArgumentException("Opus complexity must be 0..10, was " + complexity);
        }
    }

    /** Default complexity at this bitrate. */
    public static OpusEncoderSettings atBitrate(int bitrateBitsPerSecond) {
        return new OpusEncoderSettings(bitrateBitsPerSecond, DEFAULT_COMPLEXITY);
    }
}
