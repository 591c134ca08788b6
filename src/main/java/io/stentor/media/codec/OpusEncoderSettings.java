package io.stentor.media.codec;

/**
 * How an encoder is set up: bitrate and complexity (0–10). Validated on construction. Immutable;
 * any thread.
 *
 * @param bitrateBitsPerSecond target average bitrate; 6–510 kbit/s is what libopus honours for mono
 * @param complexity 0–10; the encoder's CPU cost nearly triples from 3 to 10 (see DEFAULT_COMPLEXITY)
 */
public record OpusEncoderSettings(int bitrateBitsPerSecond, int complexity) {

    public static final int MIN_BITRATE = 6_000;
    public static final int MAX_BITRATE = 510_000;

    /**
     * 5: the knee of cost against quality. Measured with {@code OpusCodecBenchmark} on a 2-core
     * EPYC, 20 ms of speech-like audio at 32 kbit/s (hybrid mode), native libopus: 83 µs at 0,
     * 110 at 3, 171–176 at 5, 241 at 7, 302 at 10. SNR of the decoded audio (a rough proxy for a
     * perceptual codec): 14.6 dB at 3, 15.9 at 5, 16.6 at 10. From 3 to 5 buys +1.3 dB for +60%
     * CPU; from 5 to 10 only +0.7 dB for +72% more. The mixer pays this once per space per frame.
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
