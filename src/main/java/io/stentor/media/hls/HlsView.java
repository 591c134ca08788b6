package io.stentor.media.hls;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One moment of a live HLS stream, immutable: the recent segments (oldest first), the parts of the
 * segment being filled, and the media playlist describing them, rendered once for every request
 * that reads this view. Any thread.
 */
public final class HlsView {

    /** One part: a CMAF fragment of {@code partFrames} frames. */
    public record Part(long msn, int index, byte[] bytes) {
    }

    /** A finished segment: its parts, their bytes back to back, and the wall-clock time of its first frame. */
    public record Segment(long msn, List<Part> parts, byte[] bytes, long startMillis) {
    }

    private final List<Segment> segments;
    private final List<Part> open;
    private final long openMsn;
    private final boolean ended;
    private final byte[] playlist;

    HlsView(HlsLayout layout, String stream, List<Segment> segments, List<Part> open, long openMsn,
            long openStartMillis, boolean ended) {
        this.segments = segments;
        this.open = open;
        this.openMsn = openMsn;
        this.ended = ended;
        this.playlist = Playlists.live(layout, stream, segments, open, openMsn, openStartMillis, ended)
                .getBytes(StandardCharsets.UTF_8);
    }

    public boolean ended() {
        return ended;
    }

    /** The media playlist (shared: never modify). */
    public byte[] playlist() {
        return playlist;
    }

    /** Media sequence number of the newest finished segment (one less than the first one's when there is none). */
    public long lastMsn() {
        return openMsn - 1;
    }

    /** Whether part {@code part} of segment {@code msn} is out (or, when {@code part} is negative, the whole segment). */
    boolean has(long msn, int part) {
        if (msn < openMsn) {
            return true;
        }
        return part >= 0 && msn == openMsn && part < open.size();
    }

    /** A finished segment still kept, or null. */
    public Segment segment(long msn) {
        for (Segment s : segments) {
            if (s.msn() == msn) {
                return s;
            }
        }
        return null;
    }

    /** A part still kept (of a finished segment or of the open one), or null. */
    public Part part(long msn, int index) {
        if (msn == openMsn) {
            return index < open.size() ? open.get(index) : null;
        }
        Segment s = segment(msn);
        return s == null || index >= s.parts().size() ? null : s.parts().get(index);
    }

    /** Whether the part is the next to come or close behind it: worth waiting for rather than refusing. */
    boolean soon(long msn, int index, int partsPerSegment) {
        long wanted = msn * partsPerSegment + index;
        long next = openMsn * partsPerSegment + open.size();
        return wanted >= next && wanted <= next + 2;
    }

    /** The segment being filled now (or the next one): worth waiting for. */
    boolean soon(long msn) {
        return msn == openMsn;
    }
}
