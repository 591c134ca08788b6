package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.account.Role;
import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import io.stentor.space.SpaceService;
import java.time.Instant;
import java.util.Map;

/**
 * The moderators' evidence: {@code GET /api/v1/moderation/spaces/{id}/audio?fromMs=&toMs=} plays a
 * range of a space's audio (live or ended, from its recording or from preserved evidence once the
 * recording is gone) as Ogg Opus starting at 0:00, and {@code GET /api/v1/moderation/notices/{id}/evidence}
 * says what was preserved of a notice's ranges. Moderators and admins only.
 */
public final class EvidenceRoutes {

    /** One preserved range as the console shows it. */
    record EvidenceView(int item, String spaceId, long fromMs, long toMs, String state, Long keptFromMs, Long keptToMs,
            long bytes, Instant capturedAt) {
        static EvidenceView of(Evidence e) {
            return new EvidenceView(e.seq(), e.spaceId(), e.fromMs(), e.toMs(), e.state().name().toLowerCase(java.util.Locale.ROOT),
                    e.clipFromMs(), e.clipToMs(), e.bytes(), e.capturedAt());
        }
    }

    private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("bytes=(\\d{1,12})-(\\d{0,12})");

    private final EvidenceStore store;
    private final SpaceService spaces;
    private final AuditLog audit;

    public EvidenceRoutes(EvidenceStore store, SpaceService spaces, AuditLog audit) {
        this.store = store;
        this.spaces = spaces;
        this.audit = audit;
    }

    public void register(Router r) {
        r.get("/api/v1/moderation/spaces/{id}/audio", this::audio);
        r.get("/api/v1/moderation/notices/{id}/evidence", req -> {
            Staff.moderator(req.requireCaller());
            return ApiResponse.ok(Map.of("evidence", store.ofNotice(req.param("id")).stream().map(EvidenceView::of).toList()));
        });
    }

    private ApiResponse audio(ApiRequest req) {
        io.stentor.account.Caller moderator = Staff.moderator(req.requireCaller());
        long from = millis(req, "fromMs");
        long to = millis(req, "toMs");
        if (to <= from || to - from > SafetyService.MAX_RANGE_MS) {
            throw StentorException.badRequest("invalid_range", "toMs must be after fromMs, by at most an hour ("
                    + SafetyService.MAX_RANGE_MS + " ms).");
        }
        String spaceId = spaces.get(req.param("id")).id();
        EvidenceStore.Playback p;
        try {
            p = store.play(spaceId, from, to).orElseThrow(() -> StentorException.notFound("no_recording",
                    "Nothing of this range is recorded or preserved (the space may not have reached it yet)."));
        } catch (IllegalStateException tooBig) {
            throw new StentorException(StentorException.Kind.PAYLOAD_TOO_LARGE, "range_too_large",
                    "This range is too much audio to send at once; ask for a shorter one.");
        }
        // Who heard which evidence is on the record: once per playing (a player's later range reads
        // of the same clip — its duration, seeking — are not new listenings).
        String range = req.header("Range").orElse(null);
        if (range == null || range.trim().startsWith("bytes=0-")) {
            audit.append(moderator.userId(), "evidence.played", spaceId, "fromMs=" + p.fromMs() + " toMs=" + p.toMs()
                    + " source=" + p.source());
        }
        // Evidence is for this moderator only: no shared cache may keep it.
        return bytes(p.ogg(), req.header("Range").orElse(null)).header("Cache-Control", "private, no-store")
                .header("Accept-Ranges", "bytes").header("X-Clip-From-Ms", Long.toString(p.fromMs()))
                .header("X-Clip-To-Ms", Long.toString(p.toMs())).header("X-Clip-Source", p.source());
    }

    /**
     * The clip, or the part a player asks for with {@code Range: bytes=FIRST-[LAST]} (players read
     * an Ogg file's last page for its duration, and seek): the same clip is cut again each time.
     */
    static ApiResponse bytes(byte[] ogg, String range) {
        java.util.regex.Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m == null || !m.matches()) {
            return ApiResponse.raw(200, "audio/ogg", ogg);
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? ogg.length - 1 : Math.min(Long.parseLong(m.group(2)), ogg.length - 1);
        if (first >= ogg.length || last < first) {
            return ApiResponse.raw(416, "audio/ogg", new byte[0]).header("Content-Range", "bytes */" + ogg.length);
        }
        return ApiResponse.raw(206, "audio/ogg", java.util.Arrays.copyOfRange(ogg, (int) first, (int) last + 1))
                .header("Content-Range", "bytes " + first + "-" + last + "/" + ogg.length);
    }

    private static long millis(ApiRequest req, String name) {
        String v = req.query(name).orElseThrow(() -> StentorException.badRequest("invalid_range",
                "Give the range as fromMs and toMs, in milliseconds from the start of the recording."));
        try {
            long ms = Long.parseLong(v);
            if (ms < 0) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw StentorException.badRequest("invalid_range", name + " must be a whole number of milliseconds, 0 or more.");
        }
    }

}
