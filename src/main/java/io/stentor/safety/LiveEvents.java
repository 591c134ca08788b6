package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.account.Role;
import io.stentor.error.StentorException;
import io.stentor.media.BroadcastCut;
import io.stentor.media.MediaPlane;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import io.stentor.space.StageMember;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Live events under the DSA (Art 34/35 risk mitigation for live broadcasts): a space's broadcast
 * delay, the moderator's cut of audio held in it, the platform kill switch, and event risk records
 * for large scheduled spaces. Every moderator action here goes to the audit log. Blocking: call
 * from request (virtual) threads. Thread-safe.
 */
public final class LiveEvents {

    static final int MAX_MEASURES = 4000;
    static final int MAX_REASON = 1000;
    static final int MAX_EXPECTED_AUDIENCE = 1_000_000_000;

    /** What a cut did, as the moderator is told. */
    public record CutView(String spaceId, long fromMs, long toMs, int frames, int broadcastDelaySeconds) {
    }

    /** The kill switch's answer. */
    public record KillView(String spaceId, String state, Instant killedAt, String reason) {
    }

    /** An event risk record as its readers see it. */
    public record RiskRecordView(String spaceId, int expectedAudience, String measures, Instant updatedAt,
            boolean large) {
        static RiskRecordView of(LiveEventsRepository.RiskRecord r, int threshold) {
            return new RiskRecordView(r.spaceId(), r.expectedAudience(), r.measures(), r.updatedAt(),
                    r.expectedAudience() >= threshold);
        }
    }

    /**
     * A scheduled or live space in the moderators' list. {@code expectedAudience} is the larger of
     * the risk record's figure, the followers waiting for it and the listeners now; at or above the
     * threshold the event is {@code large} and needs a risk record ({@code riskRecordMissing}).
     */
    public record EventView(String spaceId, String title, String state, String host, Instant scheduledStart,
            Instant startedAt, int listeners, int followers, int broadcastDelaySeconds, boolean demoted,
            int expectedAudience, boolean large, boolean riskRecordMissing, RiskRecordView riskRecord) {
    }

    private final SpaceService spaces;
    private final MediaPlane media;
    private final AuditLog audit;
    private final LiveEventsRepository repo;
    private final Clock clock;
    private final int riskRecordAudience;

    /** @param riskRecordAudience expected listeners from which an event is large (safety.risk-record-audience) */
    public LiveEvents(Jdbi jdbi, SpaceService spaces, MediaPlane media, Clock clock, int riskRecordAudience) {
        this.spaces = spaces;
        this.media = media;
        this.clock = clock;
        this.riskRecordAudience = riskRecordAudience;
        this.audit = new AuditLog(jdbi, clock);
        this.repo = new LiveEventsRepository(jdbi);
    }

    // ---- broadcast delay

    /**
     * Sets the space's broadcast delay (0-30 s): its host or a co-host, or a moderator (audited).
     * Applied at once if the space is live, and when it goes live otherwise.
     */
    public Space broadcastDelay(Caller caller, String spaceId, Double seconds) {
        Space s = spaces.get(spaceId);
        boolean moderator = isModerator(caller);
        if (!moderator && !runsStage(caller, s)) {
            throw StentorException.forbidden("not_host", "Only the host or a co-host of this space, or a moderator, "
                    + "may set its broadcast delay.");
        }
        if (seconds == null || seconds % 1 != 0 || seconds < 0 || seconds > Space.MAX_BROADCAST_DELAY_SECONDS) {
            throw StentorException.badRequest("invalid_delay", "Field 'seconds' is a whole number of seconds from 0 to "
                    + Space.MAX_BROADCAST_DELAY_SECONDS + ".");
        }
        int value = seconds.intValue();
        Space next = spaces.broadcastDelay(spaceId, value);
        if (moderator) {
            audit.append(caller.userId(), "live.broadcast_delay", spaceId, "seconds=" + value + " was="
                    + s.broadcastDelaySeconds());
        }
        return next;
    }

    // ---- cut

    /**
     * Drops the audio held in the space's broadcast delay before it airs (moderators). The
     * recording marks the range; the replay silences it.
     */
    public CutView cut(Caller caller, String spaceId) {
        requireModerator(caller);
        Space s = spaces.get(spaceId); // live, or just ended with its listeners hearing out the delay
        BroadcastCut cut = media.cut(spaceId, caller.userId()).orElseThrow(() -> StentorException.conflict(
                "nothing_to_cut", s.broadcastDelaySeconds() == 0
                        ? "This space has no broadcast delay, so nothing is held back to cut: set a delay first "
                                + "(PUT /api/v1/spaces/" + spaceId + "/broadcast-delay), or take it off air (kill)."
                        : "Nothing is held back right now (it was just cut); try again in a moment."));
        audit.append(caller.userId(), "live.cut", spaceId, "fromMs=" + cut.fromMs() + " toMs=" + cut.toMs()
                + " frames=" + cut.frames());
        return new CutView(spaceId, cut.fromMs(), cut.toMs(), cut.frames(), s.broadcastDelaySeconds());
    }

    // ---- kill switch

    /**
     * Takes a live space off air at once (moderators, for emergencies): every listener and speaker
     * is disconnected (close code 4010), the space ends for good and its recording is withheld.
     */
    public KillView kill(Caller caller, String spaceId, String reason) {
        requireModerator(caller);
        String why = reason == null ? "" : reason.strip();
        if (why.length() < 5 || why.length() > MAX_REASON) {
            throw StentorException.badRequest("invalid_reason", "Give the reason for taking the space off air "
                    + "(field 'reason', 5 to " + MAX_REASON + " characters); it goes to the audit log.");
        }
        boolean live = spaces.get(spaceId).state() == SpaceState.LIVE;
        Instant at = clock.instant();
        // Media first: off air now, before the database work of ending the space. An ended space
        // may still be airing what its delay held: that stops too.
        boolean offAir = media.takeOffAir(spaceId);
        if (live) {
            try {
                spaces.endByModeration(spaceId);
            } catch (StentorException raced) {
                if (spaces.get(spaceId).state() != SpaceState.ENDED) { // ended meanwhile: that is fine
                    throw raced;
                }
            }
        } else if (!offAir) {
            throw StentorException.conflict("space_not_live", "This space is not live: there is nothing to take off air.");
        }
        repo.killed(spaceId, caller.userId(), at, why);
        audit.append(caller.userId(), "live.kill", spaceId, "reason=" + why);
        return new KillView(spaceId, SpaceState.ENDED.name().toLowerCase(), at, why);
    }

    // ---- event risk records

    /** Records or replaces a space's event risk record: its host (or an admin), or a moderator. Audited. */
    public RiskRecordView saveRiskRecord(Caller caller, String spaceId, Double expectedAudience, String measures) {
        Space s = spaces.get(spaceId);
        requireHostOrModerator(caller, s);
        if (!s.state().isActive()) {
            throw StentorException.conflict("space_not_active", "A risk record is for a scheduled or live space; this one has "
                    + s.state().name().toLowerCase() + ".");
        }
        if (expectedAudience == null || expectedAudience % 1 != 0 || expectedAudience < 1
                || expectedAudience > MAX_EXPECTED_AUDIENCE) {
            throw StentorException.badRequest("invalid_expected_audience", "Field 'expectedAudience' is the number of "
                    + "listeners expected, a whole number from 1 to " + MAX_EXPECTED_AUDIENCE + ".");
        }
        String m = measures == null ? "" : measures.strip();
        if (m.length() < 10 || m.length() > MAX_MEASURES) {
            throw StentorException.badRequest("invalid_measures", "Field 'measures' says what is done to mitigate "
                    + "the risks of this event (e.g. broadcast delay, moderators on duty), in 10 to " + MAX_MEASURES
                    + " characters.");
        }
        LiveEventsRepository.RiskRecord r = new LiveEventsRepository.RiskRecord(spaceId, expectedAudience.intValue(), m,
                caller.userId(), clock.instant());
        repo.saveRiskRecord(r);
        audit.append(caller.userId(), "live.risk_record", spaceId, "expectedAudience=" + r.expectedAudience()
                + " measures=" + (m.length() > 500 ? m.substring(0, 500) + "…" : m));
        return RiskRecordView.of(r, riskRecordAudience);
    }

    /** A space's event risk record: its host (or an admin), or a moderator. */
    public RiskRecordView riskRecord(Caller caller, String spaceId) {
        Space s = spaces.get(spaceId);
        requireHostOrModerator(caller, s);
        return repo.riskRecord(spaceId).map(r -> RiskRecordView.of(r, riskRecordAudience))
                .orElseThrow(() -> StentorException.notFound("no_risk_record", "This space has no event risk record yet."));
    }

    /** Scheduled and live spaces with their risk records, large ones without a record flagged (moderators). */
    public List<EventView> events(Caller caller, int limit) {
        requireModerator(caller);
        return repo.upcomingAndLive(limit).stream().map(e -> {
            int listeners = e.state().equals(SpaceState.LIVE.name()) ? spaces.audience().count(e.spaceId()) : 0;
            int expected = Math.max(e.riskRecord() == null ? 0 : e.riskRecord().expectedAudience(),
                    Math.max(e.followers(), listeners));
            boolean large = expected >= riskRecordAudience;
            return new EventView(e.spaceId(), e.title(), e.state().toLowerCase(), e.hostHandle(), e.scheduledStart(),
                    e.startedAt(), listeners, e.followers(), e.broadcastDelaySeconds(), e.demoted(), expected, large,
                    large && e.riskRecord() == null,
                    e.riskRecord() == null ? null : RiskRecordView.of(e.riskRecord(), riskRecordAudience));
        }).toList();
    }

    /** Expected listeners from which an event is large. */
    public int riskRecordAudience() {
        return riskRecordAudience;
    }

    // ---- who may

    private boolean runsStage(Caller caller, Space s) {
        if (caller.isAdmin() || caller.userId().equals(s.hostId())) {
            return true;
        }
        Optional<StageMember> me = spaces.stage(s.id()).stream().filter(m -> m.userId().equals(caller.userId()))
                .findFirst();
        return me.map(m -> m.role().runsStage()).orElse(false);
    }

    private static void requireHostOrModerator(Caller caller, Space s) {
        if (!isModerator(caller) && !caller.userId().equals(s.hostId())) {
            throw StentorException.forbidden("not_host", "Only the host of this space or a moderator may do that.");
        }
    }

    private static boolean isModerator(Caller c) {
        Role r = c.user().role();
        return r == Role.MODERATOR || r == Role.ADMIN;
    }

    private static void requireModerator(Caller c) {
        if (!isModerator(c)) {
            throw StentorException.forbidden("moderators_only", "Only moderators may do that.");
        }
    }
}
