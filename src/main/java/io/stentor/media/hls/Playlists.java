package io.stentor.media.hls;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Writes the HLS playlists (RFC 8216bis, with the low-latency tags): the live media playlist with
 * its parts and preload hint, the VOD playlist of a replay, and the multivariant playlist that
 * names the codec. Stateless; any thread.
 */
final class Playlists {

    static final String INIT = "init.mp4";
    /** Finished segments, counted from the newest, whose parts are still listed (about 3 target durations of media). */
    private static final int SEGMENTS_WITH_PARTS = 2;

    private Playlists() {
    }

    /** A segment's file name. */
    static String segment(String stream, long msn) {
        return stream + "-" + msn + ".m4s";
    }

    /** A part's file name. */
    static String part(String stream, long msn, int index) {
        return stream + "-" + msn + "." + index + ".m4s";
    }

    static String live(HlsLayout layout, String stream, List<HlsView.Segment> kept, List<HlsView.Part> open,
            long openMsn, long openStartMillis, boolean ended) {
        List<HlsView.Segment> listed = kept.subList(Math.max(0, kept.size() - layout.windowSegments()), kept.size());
        StringBuilder b = head(layout, listed.isEmpty() ? openMsn : listed.get(0).msn());
        b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").append(seconds(3 * layout.partSeconds()))
                .append(",HOLD-BACK=").append(seconds(3 * layout.segmentSeconds())).append('\n');
        b.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(layout.partSeconds())).append('\n');
        b.append("#EXT-X-MAP:URI=\"").append(INIT).append("\"\n");
        b.append("#EXT-X-PROGRAM-DATE-TIME:")
                .append(Instant.ofEpochMilli(listed.isEmpty() ? openStartMillis : listed.get(0).startMillis())).append('\n');
        for (int i = 0; i < listed.size(); i++) {
            HlsView.Segment s = listed.get(i);
            if (i >= listed.size() - SEGMENTS_WITH_PARTS) {
                parts(b, layout, stream, s.parts());
            }
            b.append("#EXTINF:").append(seconds(layout.segmentSeconds())).append(",\n")
                    .append(segment(stream, s.msn())).append('\n');
        }
        if (ended) {
            return b.append("#EXT-X-ENDLIST\n").toString();
        }
        parts(b, layout, stream, open);
        int next = open.size();
        b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(part(stream, openMsn, next)).append("\"\n");
        return b.toString();
    }

    /** A finished recording of {@code frames} frames as a VOD playlist, one segment per {@code segmentFrames}. */
    static String vod(HlsLayout layout, String stream, long frames) {
        StringBuilder b = head(layout, 0);
        b.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        b.append("#EXT-X-MAP:URI=\"").append(INIT).append("\"\n");
        for (long n = 0; n * layout.segmentFrames() < frames; n++) {
            long inSegment = Math.min(layout.segmentFrames(), frames - n * layout.segmentFrames());
            b.append("#EXTINF:").append(seconds(inSegment * 0.02)).append(",\n").append(segment(stream, n)).append('\n');
        }
        return b.append("#EXT-X-ENDLIST\n").toString();
    }

    /** The multivariant playlist: one variant, Opus audio, for players that want CODECS before they start. */
    static String multivariant(HlsLayout layout) {
        // BANDWIDTH is a peak: Opus is variable-rate, and fragments add about 1 kB/s of boxes.
        long peak = Math.round(layout.bitrate() * 1.25) + 8_000;
        return "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=" + peak
                + ",AVERAGE-BANDWIDTH=" + (layout.bitrate() + 2_000) + ",CODECS=\"opus\"\nindex.m3u8\n";
    }

    private static StringBuilder head(HlsLayout layout, long mediaSequence) {
        return new StringBuilder(2048).append("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:")
                .append(layout.targetDuration()).append("\n#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence)
                .append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    }

    private static void parts(StringBuilder b, HlsLayout layout, String stream, List<HlsView.Part> parts) {
        for (HlsView.Part p : parts) {
            // Every Opus packet decodes on its own: each part is independent.
            b.append("#EXT-X-PART:DURATION=").append(seconds(layout.partSeconds())).append(",URI=\"")
                    .append(part(stream, p.msn(), p.index())).append("\",INDEPENDENT=YES\n");
        }
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
