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

    private final EvidenceStore store;
    private final SpaceService spaces;

    public EvidenceRoutes(EvidenceStore store, SpaceService spaces) {
        this.store = store;
        this.spaces = spaces;
    }

    public void register(Router r) {
        r.get("/api/v1/moderation/spaces/{id}/audio", this::audio);
        r.get("/api/v1/moderation/notices/{id}/evidence", req -> {
            requireModerator(req.requireCaller());
            return ApiResponse.ok(Map.of("evidence", store.ofNotice(req.param("id")).stream().map(EvidenceView::of).toList()));
        });
    }

    private ApiResponse audio(ApiRequest req) {
        requireModerator(req.requireCaller());
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
        // Evidence is for this moderator only: no shared cache may keep it.
        return ApiResponse.raw(200, "audio/ogg", p.ogg()).header("Cache-Control", "private, no-store")
                .header("X-Clip-From-Ms", Long.toString(p.fromMs())).header("X-Clip-To-Ms", Long.toString(p.toMs()))
                .header("X-Clip-Source", p.source());
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

    private static void requireModerator(Caller c) {
        if (c.user().role() != Role.MODERATOR && c.user().role() != Role.ADMIN) {
            throw StentorException.forbidden("moderators_only", "Only moderators may hear evidence.");
        }
    }
}
