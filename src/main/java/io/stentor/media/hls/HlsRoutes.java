package io.stentor.media.hls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.error.StentorException;
import io.stentor.media.ReplayFile;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import io.stentor.space.Space;
import io.stentor.space.SpaceModeration;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /spaces/{id}/hls/...}: the HLS / LL-HLS tier, made to sit behind a CDN. A live space
 * is served from its {@link HlsPackager} (blocking playlist reload with {@code _HLS_msn} and
 * {@code _HLS_part}, parts and segments); an ended one as a VOD playlist over its recording, with
 * the replay's rules. Nothing here depends on who asks, so every answer is the same for everyone
 * and shared caches may keep it (except for age-restricted spaces and held replays). Formats are
 * in docs/PROTOCOL.md ("HLS / LL-HLS").
 */
public final class HlsRoutes {

    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    static final String MEDIA_TYPE = "audio/mp4";
    /** {stream}-{msn}.m4s (a segment) or {stream}-{msn}.{part}.m4s; streams are l… (live) or r… (replay). */
    private static final Pattern MEDIA_NAME = Pattern.compile("([lr][0-9a-z]{1,13})-(\\d{1,18})(?:\\.(\\d{1,3}))?\\.m4s");
    private static final String IMMUTABLE = "max-age=3600, immutable";

    private final HlsTier tier;
    /** A live space's packager, attached on demand on an edge (see MediaPlane#hlsPackager). */
    private final Function<String, Optional<HlsPackager>> packagers;
    private final HlsReplay replay;
    private final SpaceService spaces;
    private final Function<ApiRequest, ReplayFile> replays;
    /** Spaces as read within the last second: one database read per space and second, however many ask. */
    private final Counter playlists;
    private final Counter media;
    private final Counter inits;

    /**
     * @param packagers a live space's packager, attached now if need be (an edge subscribes to the
     *                  space for as long as HLS requests for it keep coming)
     * @param replays   the replay a caller may hear, with the replay's checks and errors (see
     *                  {@code MediaRoutes#visibleReplay})
     */
    public HlsRoutes(HlsTier tier, Function<String, Optional<HlsPackager>> packagers, SpaceService spaces,
            Function<ApiRequest, ReplayFile> replays, MeterRegistry registry) {
        this.tier = tier;
        this.packagers = packagers;
        this.replay = new HlsReplay(tier.layout());
        this.spaces = spaces;
        this.replays = replays;
        this.playlists = counter(registry, "playlist");
        this.media = counter(registry, "media");
        this.inits = counter(registry, "init");
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder("stentor.hls.requests").tag("kind", kind)
                .description("HLS requests this origin answered (behind a CDN: flat however many listen)")
                .register(registry);
    }

    public void register(Router r) {
        r.get("/spaces/{id}/hls/master.m3u8", this::multivariant);
        r.get("/spaces/{id}/hls/index.m3u8", this::mediaPlaylist);
        r.get("/spaces/{id}/hls/{file}", this::file);
    }

    private ApiResponse multivariant(ApiRequest req) {
        playlists.increment();
        boolean shared = allowed(req, space(req.param("id")));
        return answer(PLAYLIST_TYPE, Playlists.multivariant(tier.layout()).getBytes(StandardCharsets.UTF_8),
                shared, "max-age=60");
    }

    private ApiResponse mediaPlaylist(ApiRequest req) {
        playlists.increment();
        String id = req.param("id");
        Space s = space(id);
        boolean shared = allowed(req, s);
        Optional<HlsPackager> live = live(id, s);
        if (live.isPresent()) {
            return livePlaylist(req, live.get(), shared);
        }
        Space now = spaces.get(id); // the remembered state may be a second old
        if (now.state() == SpaceState.LIVE) {
            throw new StentorException(StentorException.Kind.UNAVAILABLE, "media_unavailable",
                    "The audio of this space is not running on this server.");
        }
        if (now.state() != SpaceState.ENDED) {
            throw StentorException.conflict("space_not_live", "This space is " + now.state().name().toLowerCase()
                    + ": it has no stream yet.");
        }
        ReplayFile rf = replays.apply(req);
        byte[] body = replay.playlist(rf.file(), replayStream(rf)).getBytes(StandardCharsets.UTF_8);
        return rf.published() ? answer(PLAYLIST_TYPE, body, shared, "max-age=60")
                : ApiResponse.raw(200, PLAYLIST_TYPE, body).header("Cache-Control", "private, no-store");
    }

    /** The live playlist now, or (blocking reload) once it has the segment or part asked for. */
    private ApiResponse livePlaylist(ApiRequest req, HlsPackager p, boolean shared) {
        Optional<String> msnQuery = req.query("_HLS_msn");
        Optional<String> partQuery = req.query("_HLS_part");
        if (msnQuery.isEmpty()) {
            if (partQuery.isPresent()) {
                throw StentorException.badRequest("bad_hls_request", "_HLS_part needs _HLS_msn.");
            }
            return answer(PLAYLIST_TYPE, p.view().playlist(), shared, "max-age=1");
        }
        long msn = number(msnQuery.get(), "_HLS_msn");
        int part = partQuery.map(q -> (int) number(q, "_HLS_part")).orElse(-1);
        HlsLayout layout = tier.layout();
        if (part >= layout.partsPerSegment()) {
            throw StentorException.badRequest("bad_hls_request", "_HLS_part is at most "
                    + (layout.partsPerSegment() - 1) + ": a segment has " + layout.partsPerSegment() + " parts.");
        }
        if (msn > p.view().lastMsn() + 2) { // RFC 8216bis §6.2.5.2: too far ahead to wait for
            throw StentorException.badRequest("bad_hls_request", "_HLS_msn " + msn + " is more than two segments "
                    + "ahead of the playlist (last segment " + p.view().lastMsn() + ").");
        }
        HlsView v = p.await(msn, part, layout.blockMillis());
        if (v == null) {
            throw new StentorException(StentorException.Kind.UNAVAILABLE, "playlist_not_ready",
                    "The segment asked for did not come within " + layout.blockMillis() / 1000 + " s.").retryAfter(1);
        }
        // The answer to one blocking request never changes: caches may keep it for the wait it saves.
        return answer(PLAYLIST_TYPE, v.playlist(), shared, v.ended() ? "max-age=1" : "max-age=" + layout.blockMillis() / 1000);
    }

    private ApiResponse file(ApiRequest req) {
        String id = req.param("id");
        String name = req.param("file");
        if (name.equals(Playlists.INIT)) {
            inits.increment();
            return answer(MEDIA_TYPE, tier.init(), allowed(req, space(id)), "max-age=86400");
        }
        media.increment();
        Matcher m = MEDIA_NAME.matcher(name);
        if (!m.matches()) {
            throw noSuchFile(name);
        }
        String stream = m.group(1);
        long msn = Long.parseLong(m.group(2));
        int part = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        if (part >= tier.layout().partsPerSegment()) {
            throw noSuchFile(name);
        }
        if (stream.startsWith("r")) {
            ReplayFile rf = replays.apply(req);
            byte[] segment = part < 0 && stream.equals(replayStream(rf)) ? replay.segment(rf.file(), msn) : null;
            if (segment == null) {
                throw noSuchFile(name);
            }
            return rf.published() ? answer(MEDIA_TYPE, segment, allowed(req, space(id)), IMMUTABLE)
                    : ApiResponse.raw(200, MEDIA_TYPE, segment).header("Cache-Control", "private, no-store");
        }
        Space s = space(id);
        boolean shared = allowed(req, s);
        HlsPackager p = live(id, s).filter(x -> x.stream().equals(stream)).orElseThrow(() -> noSuchFile(name));
        byte[] bytes = liveMedia(p, msn, part);
        if (bytes == null) {
            throw noSuchFile(name);
        }
        return answer(MEDIA_TYPE, bytes, shared, IMMUTABLE);
    }

    /** A live part or segment; one about to be finished (the preload hint) is waited for. */
    private byte[] liveMedia(HlsPackager p, long msn, int part) {
        HlsView v = p.view();
        byte[] now = pick(v, msn, part);
        if (now != null) {
            return now;
        }
        boolean soon = part >= 0 ? v.soon(msn, part, tier.layout().partsPerSegment()) : v.soon(msn);
        if (!soon) {
            return null;
        }
        HlsView later = p.await(msn, part, tier.layout().blockMillis());
        return later == null ? null : pick(later, msn, part);
    }

    private static byte[] pick(HlsView v, long msn, int part) {
        if (part >= 0) {
            HlsView.Part x = v.part(msn, part);
            return x == null ? null : x.bytes();
        }
        HlsView.Segment s = v.segment(msn);
        return s == null ? null : s.bytes();
    }

    /** The space's live packager; attached on demand only while the space is live (no database read per request). */
    private Optional<HlsPackager> live(String id, Space s) {
        return s.state() == SpaceState.LIVE ? packagers.apply(id) : tier.live(id);
    }

    /** Refuses an anonymous caller an age-restricted space; true when shared caches may keep the answer. */
    private static boolean allowed(ApiRequest req, Space s) {
        SpaceModeration.requireAllowed(s, req.caller());
        return !s.ageRestricted();
    }

    private Space space(String id) {
        return spaces.recent(id);
    }

    /**
     * Names a replay's files after when it ended and when its file was last written: a space live
     * again, or a replay rewritten (a moderator cut a range out of it), gets new names — caches keep
     * the old ones, which must never be served for the new audio.
     */
    private static String replayStream(ReplayFile rf) {
        long version; // which file (the recording, or the replay as aired), written when, how long
        try {
            version = java.util.Objects.hash(rf.file().getFileName().toString(),
                    java.nio.file.Files.getLastModifiedTime(rf.file()).toMillis(), java.nio.file.Files.size(rf.file()));
        } catch (java.io.IOException e) {
            version = 0;
        }
        return "r" + Long.toString(rf.endedAt() == null ? 0 : rf.endedAt().getEpochSecond(), 36)
                + Long.toString(version & 0xFFFFFFFFL, 36);
    }

    /** Our bytes, shared: {@code public} unless the space is age-restricted (then only the caller's own cache). */
    private static ApiResponse answer(String type, byte[] body, boolean shared, String maxAge) {
        return ApiResponse.raw(200, type, body).header("Cache-Control", (shared ? "public, " : "private, ") + maxAge)
                .header("Access-Control-Allow-Origin", "*");
    }

    private static long number(String s, String name) {
        if (!s.matches("\\d{1,18}")) {
            throw StentorException.badRequest("bad_hls_request", name + " must be a whole number, got '" + s + "'.");
        }
        return Long.parseLong(s);
    }

    private static StentorException noSuchFile(String name) {
        return StentorException.notFound("no_such_segment", "No such HLS file (it may have left the live window): "
                + name + ".");
    }
}
