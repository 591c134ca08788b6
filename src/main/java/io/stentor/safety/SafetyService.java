package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.account.Role;
import io.stentor.error.StentorException;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Notices (DSA Art 16) from anyone, the moderators' queue (trusted flaggers first, Art 22), and
 * decisions with their statements of reasons (Art 17). Acts on spaces through {@link SpaceService}.
 */
public final class SafetyService {

    /** Categories of a notice (a subset named after the Transparency Database's 2025 categories). */
    static final Set<String> CATEGORIES = Set.of("illegal_or_harmful_speech", "negative_effects_on_civic_discourse_or_elections",
            "risk_for_public_security", "protection_of_minors", "child_sexual_abuse_material", "violence",
            "intellectual_property_infringements", "data_protection_and_privacy_violations", "scams_and_fraud", "other");
    /** Decisions built so far. */
    static final Set<String> ACTIONS = Set.of("no_action", "demote", "end_space");
    static final int MAX_ITEMS = 20;
    static final long MAX_RANGE_MS = 3_600_000;

    /** What a notice says, as sent. */
    public record NoticeBody(String category, String explanation, String name, String email, Boolean goodFaith,
            List<NoticeItem> items) {
    }

    /** What a moderator decides about a notice. */
    public record DecisionBody(String action, String ground, String legalGround, String termsVersion, String termsClause,
            String explanation, List<String> territorialScope, Boolean automatedDetection, String automatedDecision) {
    }

    private final SafetyRepository repo;
    private final SpaceService spaces;
    private final Notifier notifier;
    private final Clock clock;
    private final AuditLog audit;
    private final Terms terms;
    private final TransparencyExport export;
    private final TdbOutbox outbox;
    private volatile EvidenceStore evidence; // set at wiring (StentorServer); preserves the audio a notice names

    public SafetyService(Jdbi jdbi, SpaceService spaces, Notifier notifier, Terms terms, Clock clock) {
        this.terms = terms;
        this.repo = new SafetyRepository(jdbi);
        this.spaces = spaces;
        this.notifier = notifier;
        this.clock = clock;
        this.audit = new AuditLog(jdbi, clock);
        this.export = new TransparencyExport(jdbi);
        this.outbox = new TdbOutbox(jdbi, clock);
    }

    public void preserveEvidenceWith(EvidenceStore store) { this.evidence = store; }

    /** Files a notice; anyone may, signed in or not. Returns it (the receipt is made from it). */
    public Notice submit(Optional<Caller> caller, NoticeBody b) {
        String category = b.category() == null ? "" : b.category().toLowerCase(Locale.ROOT);
        if (!CATEGORIES.contains(category)) {
            throw StentorException.badRequest("invalid_category", "category is one of " + String.join(", ", CATEGORIES.stream().sorted().toList()) + ".");
        }
        String explanation = b.explanation() == null ? "" : b.explanation().strip();
        if (explanation.length() < 10 || explanation.length() > 10_000) {
            throw StentorException.badRequest("invalid_explanation",
                    "Explain, in 10 to 10,000 characters, why you consider the content illegal.");
        }
        if (!Boolean.TRUE.equals(b.goodFaith())) {
            throw StentorException.badRequest("good_faith_required",
                    "Confirm that you believe in good faith that the notice is accurate and complete (goodFaith: true).");
        }
        boolean csam = category.equals("child_sexual_abuse_material");
        String name = trimmed(b.name(), 200);
        String email = trimmed(b.email(), 320);
        if (!csam && caller.isEmpty() && (name == null || email == null)) {
            throw StentorException.badRequest("notifier_required",
                    "Give your name and email (they may be left out only for child sexual abuse material).");
        }
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw StentorException.badRequest("invalid_email", "The email address is not valid.");
        }
        List<NoticeItem> items = b.items() == null ? List.of() : b.items();
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw StentorException.badRequest("invalid_items", "Name 1 to " + MAX_ITEMS + " items: what exactly is illegal, and where.");
        }
        List<NoticeItem> checked = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            checked.add(check(items.get(i), i));
        }
        boolean trusted = caller.map(c -> c.user().role() == Role.TRUSTED_FLAGGER).orElse(false);
        Notice n = new Notice(Ids.next(), clock.instant(), caller.map(Caller::userId).orElse(null), name, email, trusted,
                category, explanation, "OPEN", null, false, List.copyOf(checked));
        repo.insert(n);
        audit.append(n.notifierId(), "notice.received", n.id(), "category=" + category + " trusted=" + trusted
                + " items=" + checked.size());
        if (evidence != null) evidence.preserve(n);
        return n;
    }

    private NoticeItem check(NoticeItem item, int index) {
        String where = "items[" + index + "]: ";
        if (item == null || item.kind() == null) {
            throw StentorException.badRequest("invalid_item", where + "kind is space_audio, space_text or user_profile.");
        }
        switch (item.kind()) {
            case NoticeItem.SPACE_AUDIO, NoticeItem.SPACE_TEXT -> {
                if (item.spaceId() == null || spaces.find(item.spaceId()).isEmpty()) {
                    throw StentorException.badRequest("invalid_item", where + "name an existing space (spaceId).");
                }
                if ((item.fromMs() == null) != (item.toMs() == null)) {
                    throw StentorException.badRequest("invalid_item", where + "give both fromMs and toMs, or neither.");
                }
                if (item.fromMs() != null && (item.fromMs() < 0 || item.toMs() <= item.fromMs()
                        || item.toMs() - item.fromMs() > MAX_RANGE_MS)) {
                    throw StentorException.badRequest("invalid_item", where + "the time range must run forward, from 0, "
                            + "for at most an hour.");
                }
                boolean audio = item.kind().equals(NoticeItem.SPACE_AUDIO);
                return new NoticeItem(item.kind(), item.spaceId(), audio ? trimmed(item.speaker(), 64) : null,
                        audio ? item.fromMs() : null, audio ? item.toMs() : null, null);
            }
            case NoticeItem.USER_PROFILE -> {
                if (item.userHandle() == null || item.userHandle().isBlank() || item.userHandle().length() > 64) {
                    throw StentorException.badRequest("invalid_item", where + "name the user (userHandle).");
                }
                return new NoticeItem(item.kind(), null, null, null, null, item.userHandle());
            }
            default -> throw StentorException.badRequest("invalid_item",
                    where + "kind is space_audio, space_text or user_profile.");
        }
    }

    /** The open notices, for moderators. */
    public List<Notice> queue(Caller caller, int limit) {
        requireModerator(caller);
        return repo.queue(limit);
    }

    public Notice notice(Caller caller, String id) {
        requireModerator(caller);
        return repo.find(id).orElseThrow(() -> StentorException.notFound("notice_not_found", "No notice with id " + id + "."));
    }

    /**
     * Decides a notice: records the decision, applies it, sends the affected user a statement of
     * reasons and the notifier (when signed in) the outcome.
     */
    public Decision decide(Caller caller, String noticeId, DecisionBody b) {
        requireModerator(caller);
        Notice n = notice(caller, noticeId);
        if (!n.state().equals("OPEN")) {
            throw StentorException.conflict("notice_decided", "This notice has been decided already.");
        }
        String action = b.action() == null ? "" : b.action();
        if (!ACTIONS.contains(action)) {
            throw StentorException.badRequest("invalid_action", "action is one of " + String.join(", ", ACTIONS.stream().sorted().toList()) + ".");
        }
        String ground = b.ground() == null ? "" : b.ground();
        String explanation = trimmed(b.explanation(), 4000);
        if (explanation == null || explanation.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain the decision in 10 to 4,000 characters.");
        }
        switch (ground) {
            case "illegal" -> {
                if (trimmed(b.legalGround(), 500) == null) {
                    throw StentorException.badRequest("legal_ground_required", "Name the legal ground (law and article).");
                }
            }
            case "terms" -> {
                if (trimmed(b.termsVersion(), 32) == null || trimmed(b.termsClause(), 200) == null) {
                    throw StentorException.badRequest("terms_required", "Name the version and the clause of the terms applied.");
                }
                if (!terms.exists(b.termsVersion().strip())) {
                    throw StentorException.badRequest("unknown_terms_version", "No terms version " + b.termsVersion().strip()
                            + "; the versions are " + String.join(", ", terms.versions()) + ".");
                }
            }
            default -> throw StentorException.badRequest("invalid_ground", "ground is illegal or terms.");
        }
        List<String> scope = b.territorialScope() == null || b.territorialScope().isEmpty() ? List.of("EU") : b.territorialScope();
        for (String s : scope) {
            if (!s.matches("[A-Z]{2,3}")) {
                throw StentorException.badRequest("invalid_territorial_scope", "territorialScope holds country codes (GR, FR…) or EU/EEA.");
            }
        }
        String automated = b.automatedDecision() == null ? "not_automated" : b.automatedDecision();
        if (!Set.of("fully", "partially", "not_automated").contains(automated)) {
            throw StentorException.badRequest("invalid_automated_decision", "automatedDecision is fully, partially or not_automated.");
        }
        String spaceId = n.items().stream().map(NoticeItem::spaceId).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (!action.equals("no_action") && spaceId == null) {
            throw StentorException.badRequest("no_space", "Only a notice about a space can demote or end it.");
        }
        if (action.equals("end_space") && spaces.get(spaceId).state() != io.stentor.space.SpaceState.LIVE) {
            throw StentorException.conflict("space_not_live", "Only a live space can be ended.");
        }
        Space space = spaceId == null ? null : spaces.get(spaceId);
        String affected = action.equals("no_action") ? null : space.hostId();
        Decision d = new Decision(Ids.next(), n.id(), caller.userId(), clock.instant(), action, spaceId, affected, ground,
                ground.equals("illegal") ? trimmed(b.legalGround(), 500) : null,
                ground.equals("terms") ? trimmed(b.termsVersion(), 32) : null,
                ground.equals("terms") ? trimmed(b.termsClause(), 200) : null, explanation, List.copyOf(scope),
                Boolean.TRUE.equals(b.automatedDetection()), automated);
        if (!repo.decide(d)) {
            throw StentorException.conflict("notice_decided", "This notice has been decided already.");
        }
        export.statement(d).ifPresent(outbox::enqueue); // for the Transparency Database (Art 24(5))
        audit.append(caller.userId(), "decision." + action, n.id(), "decision=" + d.id() + " space=" + spaceId
                + " ground=" + ground + " scope=" + String.join(",", scope) + " automated=" + automated);
        String outcome = switch (action) {
            case "demote" -> {
                spaces.demote(spaceId, true);
                yield "was demoted: it no longer appears in lists, but stays reachable by its link";
            }
            case "end_space" -> {
                spaces.endByModeration(spaceId);
                yield "was ended by the moderators";
            }
            default -> null;
        };
        if (outcome != null) {
            notifier.notify(List.of(affected), Notification.Kind.STATEMENT_OF_REASONS, spaceId,
                    "\"" + space.title() + "\" " + outcome + ". See the statement of reasons; you may appeal.");
        }
        if (n.notifierId() != null) {
            notifier.notify(List.of(n.notifierId()), Notification.Kind.NOTICE_DECIDED, spaceId,
                    "Your notice was decided: " + (outcome == null ? "no action was taken." : "the space " + outcome + ".")
                            + " You may appeal the decision.");
        }
        return d;
    }

    /** How long after a decision it may be appealed (DSA Art 20(1): at least six months). */
    static final java.time.Duration APPEAL_WINDOW = java.time.Duration.ofDays(183);

    /** The affected user appeals a decision that restricted them. */
    public Appeal appeal(Caller caller, String decisionId, String explanation) {
        Decision d = repo.decision(decisionId).filter(x -> caller.userId().equals(x.affectedUserId()))
                .orElseThrow(() -> StentorException.notFound("statement_not_found", "No decision about you with id " + decisionId + "."));
        if (clock.instant().isAfter(d.decidedAt().plus(APPEAL_WINDOW))) {
            throw StentorException.conflict("appeal_window_closed", "Decisions can be appealed for six months; this one can no longer be.");
        }
        String text = trimmed(explanation, 4000);
        if (text == null || text.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain in 10 to 4,000 characters why the decision is wrong.");
        }
        Appeal a = new Appeal(Ids.next(), d.id(), caller.userId(), clock.instant(), text, "OPEN", null, null, null);
        if (!repo.insert(a)) {
            throw StentorException.conflict("appeal_open", "An appeal against this decision is open already.");
        }
        audit.append(caller.userId(), "appeal.filed", d.id(), "appeal=" + a.id());
        return a;
    }

    public List<Appeal> openAppeals(Caller caller, int limit) {
        requireModerator(caller);
        return repo.openAppeals(limit);
    }

    /**
     * Decides an appeal: a moderator other than the one who decided upholds or reverses; a reversal
     * restores what was restricted (a demoted space is listed again). The appellant is told.
     */
    public Appeal decideAppeal(Caller caller, String appealId, String outcome, String reply) {
        requireModerator(caller);
        Appeal a = repo.appeal(appealId).orElseThrow(() -> StentorException.notFound("appeal_not_found", "No appeal with id " + appealId + "."));
        Decision d = repo.decision(a.decisionId()).orElseThrow();
        if (caller.userId().equals(d.decidedBy())) {
            throw StentorException.forbidden("same_moderator", "An appeal is decided by someone other than the first decider.");
        }
        if (!Set.of("upheld", "reversed").contains(outcome == null ? "" : outcome)) {
            throw StentorException.badRequest("invalid_outcome", "outcome is upheld or reversed.");
        }
        String text = trimmed(reply, 4000);
        if (text == null || text.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain the outcome to the appellant in 10 to 4,000 characters.");
        }
        if (!repo.closeAppeal(a.id(), outcome.toUpperCase(Locale.ROOT), caller.userId(), clock.instant(), text)) {
            throw StentorException.conflict("appeal_decided", "This appeal has been decided already.");
        }
        boolean reversed = outcome.equals("reversed");
        if (reversed && d.action().equals("demote")) {
            spaces.demote(d.spaceId(), false);
        }
        audit.append(caller.userId(), "appeal." + outcome, d.id(), "appeal=" + a.id());
        notifier.notify(List.of(a.appellantId()), Notification.Kind.APPEAL_DECIDED, d.spaceId(), reversed
                ? "Your appeal succeeded: the decision was reversed" + (d.action().equals("demote") ? " and the space is listed again." : ".")
                : "Your appeal was rejected: the decision stands. You may still go to an out-of-court dispute settlement body or to court.");
        return repo.appeal(a.id()).orElseThrow();
    }

    /** The appeals against a decision (for the statement view). */
    List<Appeal> appealsOf(String decisionId) {
        return repo.appealsOf(decisionId);
    }

    /** The statements of reasons about decisions that restricted the caller. */
    public List<Decision> statementsFor(Caller caller) {
        return repo.affecting(caller.userId());
    }

    private static void requireModerator(Caller c) {
        Role r = c.user().role();
        if (r != Role.MODERATOR && r != Role.ADMIN) {
            throw StentorException.forbidden("moderators_only", "Only moderators may see and decide notices.");
        }
    }

    private static String trimmed(String s, int max) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.strip();
        if (t.length() > max) {
            throw StentorException.badRequest("too_long", "A field is longer than " + max + " characters.");
        }
        return t;
    }
}
