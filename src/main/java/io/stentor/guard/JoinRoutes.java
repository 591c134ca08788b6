package io.stentor.guard;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.space.StageService;
import io.stentor.store.Ids;
import java.util.Optional;

/**
 * {@code POST /api/v1/spaces/{id}/join}: the way into a live space. Answers with a join ticket
 * (admitted), a place in the waiting room, or "the replay will be published" (small live
 * audience); see docs/PROTOCOL.md.
 */
public final class JoinRoutes {

    /** The optional body: the tier wanted, the waiting-room place to ask about, an earlier ticket, an anonymous id. */
    record JoinBody(String tier, String place, String ticket, String listener, String region) {
    }

    /**
     * The answer when admitted. {@code hls} is the CDN tier's playlist: no ticket in it (every
     * listener asks for the same URLs, so caches can serve them all), the same for everyone.
     */
    record AdmittedView(String state, String ticket, String tier, String priority, long expiresAt, String listen,
            String ogg, String hls, String reason) {
    }

    /** The answer while waiting. */
    record WaitingView(String state, String place, long number, long position, long etaSeconds, String message) {
    }

    /** The answer when only a small audience is live. */
    record ReplayLaterView(String state, String message, String replay, boolean notified) {
    }

    private final SpaceService spaces;
    private final StageService stage;
    private final Admission admission;
    private final JoinTickets tickets;
    private final ReplayPromises promises;
    private final java.util.function.Consumer<ApiRequest> proofOfWork;
    private final ListenerPlacement placement;
    private final java.util.function.Consumer<String> recipients;

    /** {@code recipients} is told the subject (user id or {@code anon:...}) of each admitted join; it must be cheap. */
    public JoinRoutes(SpaceService spaces, StageService stage, Admission admission, JoinTickets tickets,
            ReplayPromises promises, java.util.function.Consumer<ApiRequest> proofOfWork, ListenerPlacement placement,
            java.util.function.Consumer<String> recipients) {
        this.placement = placement;
        this.recipients = recipients;
        this.spaces = spaces;
        this.stage = stage;
        this.admission = admission;
        this.tickets = tickets;
        this.promises = promises;
        this.proofOfWork = proofOfWork;
    }

    public void register(Router r) {
        r.post("/api/v1/spaces/{id}/join", this::join);
    }

    private ApiResponse join(ApiRequest req) {
        String spaceId = req.param("id");
        JoinBody body = req.bodyLength() == 0 ? new JoinBody(null, null, null, null, null) : req.body(JoinBody.class);
        Tier wanted = body.tier() == null ? Tier.WEBSOCKET : Tier.parse(body.tier());
        boolean webSocket = wanted == Tier.WEBSOCKET;
        if (wanted == null) {
            throw StentorException.badRequest("invalid_tier", "tier is \"websocket\", \"http\" or \"hls\".");
        }
        Optional<Caller> caller = req.caller();
        Space s = spaces.recent(spaceId); // at most a second old: one read per space per second in a storm
        SpaceService.requireLive(s);
        io.stentor.space.SpaceModeration.requireAllowed(s, caller);
        JoinTicket earlier = body.ticket() == null ? null : tickets.authentic(body.ticket());
        String subject = caller.map(Caller::userId).orElseGet(() -> earlier != null && earlier.subject().startsWith("anon:")
                ? earlier.subject() : "anon:" + anonymousId(body.listener()));
        Priority priority = priority(spaceId, caller, earlier, subject);
        if (body.place() == null && !priority.bypassesAdmission() && priority != Priority.ADMITTED) {
            proofOfWork.accept(req); // only asked of new joins, and only while the node is under pressure
        }
        Admission.Decision d = admission.join(new Admission.Request(spaceId, subject, priority, wanted,
                () -> caller.isPresent() && spaces.inSmallAudience(spaceId, caller.get()), body.place()));
        return switch (d) {
            case Admission.Admitted a -> {
                caller.ifPresent(c -> stage.join(c, spaceId)); // counts them in the audience (and checks blocks)
                recipients.accept(subject); // this month's active recipients (DSA Art 24(2))
                String q = "?ticket=" + a.ticket();
                String region = body.region() != null ? body.region() : req.header("X-Stentor-Region").orElse(null);
                String base = placement.place(region).orElse(""); // an edge's absolute URL in a cluster; else this node's paths
                yield ApiResponse.ok(new AdmittedView("admitted", a.ticket(), a.tier().label(), a.priority().label(),
                        a.expiresAt(), base + "/api/v1/spaces/" + spaceId + "/listen" + q,
                        base + "/spaces/" + spaceId + "/live.opus" + q, base + "/spaces/" + spaceId + "/hls/index.m3u8",
                        a.reason()));
            }
            case Admission.Waiting w -> ApiResponse.status(202, new WaitingView("waiting", w.waitId(), w.number(), w.position(),
                    w.etaSeconds(), w.reason() + ": you are number " + w.position() + " in line, about " + w.etaSeconds()
                            + " s to go.")).header("Retry-After", Long.toString(w.retryAfter()));
            case Admission.ReplayLater l -> {
                caller.ifPresent(c -> promises.promise(spaceId, c.userId()));
                yield ApiResponse.ok(new ReplayLaterView("replay_later", l.reason(), "/spaces/" + spaceId + "/replay.opus",
                        caller.isPresent()));
            }
        };
    }

    private Priority priority(String spaceId, Optional<Caller> caller, JoinTicket earlier, String subject) {
        if (caller.isPresent() && stage.onStage(spaceId, caller.get().userId())) {
            return Priority.STAGE;
        }
        Priority fresh = Priority.of(caller);
        boolean returning = earlier != null && earlier.spaceId().equals(spaceId) && earlier.subject().equals(subject)
                && earlier.expiresAt() + admission.rejoinGraceSeconds() >= java.time.Instant.now().getEpochSecond();
        return returning && fresh.compareTo(Priority.ADMITTED) > 0 ? Priority.ADMITTED : fresh;
    }

    private static String anonymousId(String listener) {
        return listener != null && listener.matches("[A-Za-z0-9_-]{8,64}") ? listener : Ids.next();
    }
}
