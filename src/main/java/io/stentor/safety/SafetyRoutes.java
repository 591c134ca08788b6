package io.stentor.safety;

import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The trust &amp; safety API: {@code POST /api/v1/notices} (anyone), the moderators' queue and
 * decisions under {@code /api/v1/moderation}, and the caller's statements of reasons.
 */
public final class SafetyRoutes {

    /** The receipt a notifier gets at once; {@code followUp} lets them follow it and appeal without an account. */
    record Receipt(String id, Instant receivedAt, int items, boolean trusted, String followUp, String message) {
    }

    /** A notice as its sender follows it: its state and, once decided, the outcome (never who decided). */
    record NoticeStatus(String id, Instant receivedAt, String category, String state, Outcome decision,
            List<AppealView> appeals, String redress) {
    }

    /** What was decided on a notice, as its sender sees it. */
    record Outcome(String id, Instant decidedAt, String action, String ground, String legalGround, String termsVersion,
            String termsClause, String termsUrl, String explanation, boolean reversed) {
        static Outcome of(Decision d) {
            return new Outcome(d.id(), d.decidedAt(), d.action(), d.ground(), d.legalGround(), d.termsVersion(), d.termsClause(),
                    d.termsVersion() == null ? null : Terms.url(d.termsVersion()), d.explanation(), d.reversedAt() != null);
        }
    }

    /** A statement of reasons as the affected user sees it: never who sent the notice. */
    record Statement(String id, Instant decidedAt, String action, String spaceId, String label, Instant endsAt, String ground,
            String legalGround, String termsVersion, String termsClause, String explanation, List<String> territorialScope,
            boolean automatedDetection, String automatedDecision, boolean ownInitiative, boolean reversed, String termsUrl,
            List<AppealView> appeals, String redress) {
        static Statement of(Decision d, List<Appeal> appeals) {
            return new Statement(d.id(), d.decidedAt(), d.action(), d.spaceId(), d.label(), d.endsAt(), d.ground(), d.legalGround(),
                    d.termsVersion(), d.termsClause(), d.explanation(), d.territorialScope(), d.automatedDetection(),
                    d.automatedDecision(), d.ownInitiative(), d.reversedAt() != null,
                    d.termsVersion() == null ? null : Terms.url(d.termsVersion()),
                    appeals.stream().filter(a -> a.role().equals(Appeal.AFFECTED)).map(AppealView::of).toList(), REDRESS);
        }
    }

    static final String REDRESS = "You may appeal this decision within 6 months, use an out-of-court dispute settlement body "
            + "(DSA Art 21), or go to court.";

    /** An appeal as its appellant sees it (never who decided). */
    record AppealView(String id, Instant filedAt, String state, Instant decidedAt, String reply) {
        static AppealView of(Appeal a) {
            return new AppealView(a.id(), a.filedAt(), a.state().toLowerCase(java.util.Locale.ROOT), a.decidedAt(), a.reply());
        }
    }

    /** What an appeal says. */
    record AppealBody(String explanation) {
    }

    /** How a moderator decides an appeal. */
    record AppealDecisionBody(String outcome, String reply) {
    }

    /** The versions of the terms, for clients. */
    record TermsIndex(String current, List<Map<String, String>> versions) {
    }

    private final SafetyService safety;
    private final Moderation moderation;
    private final Appeals appeals;
    private final Terms terms;

    SafetyRoutes(SafetyService safety, Moderation moderation, Appeals appeals, Terms terms) {
        this.safety = safety;
        this.moderation = moderation;
        this.appeals = appeals;
        this.terms = terms;
    }

    public void register(Router r) {
        r.get("/terms", req -> termsText(terms.current()));
        r.get("/terms/{version}", req -> termsText(req.param("version")));
        r.get("/api/v1/terms", req -> ApiResponse.ok(new TermsIndex(terms.current(), terms.versions().stream()
                .map(v -> Map.of("version", v, "url", Terms.url(v))).toList())));
        r.post("/api/v1/notices", req -> {
            Notice n = safety.submit(req.caller(), req.body(SafetyService.NoticeBody.class));
            return ApiResponse.created(new Receipt(n.id(), n.receivedAt(), n.items().size(), n.trusted(),
                    "/api/v1/notices/" + n.id() + "?key=" + appeals.followUpKey(n.id()),
                    "We received your notice and will decide on it without undue delay. Keep the follow-up link: it shows "
                            + "the decision and lets you appeal it." + (n.notifierId() != null ? " You will also be notified." : "")));
        });
        r.get("/api/v1/notices/{id}", req -> ApiResponse.ok(status(appeals.followed(req.param("id"),
                req.query("key").orElse(null)))));
        r.post("/api/v1/notices/{id}/appeal", req -> ApiResponse.created(AppealView.of(appeals.byKey(req.param("id"),
                req.query("key").orElse(null), req.body(AppealBody.class).explanation()))));
        r.get("/api/v1/me/notices", req -> ApiResponse.ok(Map.of("notices",
                safety.sentBy(req.requireCaller()).stream().map(this::status).toList())));
        r.post("/api/v1/me/notices/{id}/appeal", req -> ApiResponse.created(AppealView.of(appeals.byNotifier(req.requireCaller(),
                req.param("id"), req.body(AppealBody.class).explanation()))));
        r.post("/api/v1/moderation/decisions", req -> ApiResponse.created(
                moderation.decideOwnInitiative(req.requireCaller(), req.body(Moderation.DecisionBody.class))));
        r.get("/api/v1/moderation/notices", req -> ApiResponse.ok(Map.of("notices",
                safety.queue(req.requireCaller(), limit(req)))));
        r.get("/api/v1/moderation/notices/{id}", req -> ApiResponse.ok(safety.notice(req.requireCaller(), req.param("id"))));
        r.post("/api/v1/moderation/notices/{id}/decision", req -> ApiResponse.created(
                moderation.decide(req.requireCaller(), req.param("id"), req.body(Moderation.DecisionBody.class))));
        r.get("/api/v1/me/statements", req -> ApiResponse.ok(Map.of("statements",
                safety.statementsFor(req.requireCaller()).stream().map(d -> Statement.of(d, appeals.of(d.id()))).toList())));
        r.post("/api/v1/me/statements/{id}/appeal", req -> ApiResponse.created(AppealView.of(
                appeals.byAffected(req.requireCaller(), req.param("id"), req.body(AppealBody.class).explanation()))));
        r.get("/api/v1/moderation/appeals", req -> ApiResponse.ok(Map.of("appeals",
                appeals.open(req.requireCaller(), limit(req)))));
        r.post("/api/v1/moderation/appeals/{id}/decision", req -> {
            AppealDecisionBody b = req.body(AppealDecisionBody.class);
            return ApiResponse.ok(AppealView.of(appeals.decide(req.requireCaller(), req.param("id"), b.outcome(), b.reply())));
        });
    }

    /** A notice as its sender follows it: the notifier's own appeals only, never who decided. */
    private NoticeStatus status(Notice n) {
        Decision d = safety.decisionOf(n).orElse(null);
        return new NoticeStatus(n.id(), n.receivedAt(), n.category(), n.state().toLowerCase(java.util.Locale.ROOT),
                d == null ? null : Outcome.of(d), d == null ? List.of() : appeals.of(d.id()).stream()
                        .filter(a -> a.role().equals(Appeal.NOTIFIER)).map(AppealView::of).toList(),
                d == null ? null : REDRESS);
    }

    private ApiResponse termsText(String version) {
        byte[] text = terms.text(version).orElseThrow(() -> io.stentor.error.StentorException.notFound("terms_not_found",
                "No terms version " + version + "; see /api/v1/terms."));
        // A published version never changes: caches may keep it.
        return ApiResponse.raw(200, "text/markdown; charset=utf-8", text).header("Cache-Control", "public, max-age=86400");
    }

    private static int limit(ApiRequest req) {
        return req.query("limit").map(s -> {
            try {
                return Math.max(1, Math.min(500, Integer.parseInt(s)));
            } catch (NumberFormatException e) {
                return 100;
            }
        }).orElse(100);
    }
}
