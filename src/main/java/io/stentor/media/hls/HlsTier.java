package io.stentor.media.hls;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HLS tier of a node: one {@link HlsPackager} per live space, opened when the space's mixer
 * starts and dropped when it stops. Thread-safe.
 */
public final class HlsTier {

    private final HlsLayout layout;
    private final byte[] init;
    private final Function<String, Instant> startedAt;
    private final Map<String, HlsPackager> live = new ConcurrentHashMap<>();

    /**
     * @param startedAt when a space went live (numbers its segments, so that after a server restart
     *                  they go on rising)
     * @param preSkip   the encoder's lookahead, announced in the init segment
     */
    public HlsTier(HlsLayout layout, int preSkip, Function<String, Instant> startedAt) {
        this.layout = layout;
        this.init = CmafWriter.initSegment(1, preSkip);
        this.startedAt = startedAt;
    }

    /**
     * Starts (or restarts, after a server restart) the space's packager. Its files are named after
     * the moment it starts, so a restarted stream never reuses a name a cache may hold; its
     * numbers follow the time since the space started, so a player sees them go on rising.
     */
    public HlsPackager open(String spaceId) {
        long now = System.currentTimeMillis();
        Instant start = startedAt.apply(spaceId);
        long elapsed = start == null ? 0 : Math.max(0, now - start.toEpochMilli());
        HlsPackager p = new HlsPackager(layout, "l" + Long.toString(now, 36), elapsed / (layout.segmentFrames() * 20L));
        live.put(spaceId, p);
        return p;
    }

    /** Ends the space's stream: blocked requests are answered, later ones find no live stream. */
    public void end(String spaceId, HlsPackager p) {
        live.remove(spaceId, p);
        p.end();
    }

    public Optional<HlsPackager> live(String spaceId) {
        return Optional.ofNullable(live.get(spaceId));
    }

    public HlsLayout layout() {
        return layout;
    }

    /** The init segment (shared: never modify). */
    public byte[] init() {
        return init;
    }
}
