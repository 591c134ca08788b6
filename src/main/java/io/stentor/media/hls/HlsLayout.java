package io.stentor.media.hls;

/**
 * How a space's HLS stream is cut: frames (20 ms each) per segment and per part, segments listed
 * in a live playlist, and the bandwidth announced. Immutable; any thread.
 */
public record HlsLayout(int segmentFrames, int partFrames, int windowSegments, int bitrate) {

    public HlsLayout {
        if (partFrames <= 0 || segmentFrames % partFrames != 0) {
            throw new IllegalArgumentException("media.hls-segment-frames (" + segmentFrames
                    + ") must be a multiple of media.hls-part-frames (" + partFrames + ")");
        }
    }

    int partsPerSegment() {
        return segmentFrames / partFrames;
    }

    double segmentSeconds() {
        return segmentFrames * 0.02;
    }

    double partSeconds() {
        return partFrames * 0.02;
    }

    /** EXT-X-TARGETDURATION: the segment duration rounded up to whole seconds. */
    int targetDuration() {
        return (int) Math.ceil(segmentSeconds() - 1e-9);
    }

    /** How long a blocking request may wait: three target durations (RFC 8216bis §6.2.5.2). */
    long blockMillis() {
        return 3000L * targetDuration();
    }
}
