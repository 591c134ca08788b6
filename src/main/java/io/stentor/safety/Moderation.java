package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.account.User;
import io.stentor.account.UserRepository;
import io.stentor.error.StentorException;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Moderation decisions (DSA Art 17): on a notice, or on the platform's own initiative. Checks what
 * the moderator asked, records the decision with its statement of reasons, queues the statement
 * for the Transparency Database, audits it, carries it out ({@link Enforcement}), tells the
 * affected user and the notifier, and applies the misuse policy ({@link MisusePolicy}).
 */
public final class Moderation {

    /** What a moderator decides; which fields count depends on the action (see docs/TRUST_AND_SAFETY.md). */
    public record DecisionBody(String action, String ground, String legalGround, String termsVersion, String termsClause,
            String explanation, List<String> territorialScope, Boolean automatedDetection, String automatedDecision,
            String speaker, String label, Long fromMs, Long toMs, Integer suspendDays, Boolean unfounded,
            String spaceId, String userHandle, String category) {
    }

    static final int MAX_SUSPEND_DAYS = 365;

    private final SafetyRepository repo;
    private final SpaceService spaces;
    private final UserRepository users;
    private final Enforcement enforcement;
    private final MisusePolicy misuse;
    private final Notifier notifier;
    private final Terms terms;
    private final AuditLog audit;
    private final TransparencyExport export;
    private final TdbOutbox outbox;
    private final Clock clock;

    Moderation(SafetyRepository repo, SpaceService spaces, UserRepository users, Enforcement enforcement, MisusePolicy misuse,
            Notifier notifier, Terms terms, AuditLog audit, TransparencyExport export, TdbOutbox outbox, Clock clock) {
        this.repo = repo;
        this.spaces = spaces;
        this.users = users;
        this.enforcement = enforcement;
        this.misuse = misuse;
        this.notifier = notifier;
        this.terms = terms;
        this.audit = audit;
        this.export = export;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Decides a notice. */
    public Decision decide(Caller caller, String noticeId, DecisionBody b) {
        Staff.moderator(caller);
        Notice n = repo.find(noticeId).orElseThrow(() -> StentorException.notFound("notice_not_found", "No notice with id " + noticeId + "."));
        if (!n.state().equals("OPEN")) {
            throw StentorException.conflict("notice_decided", "This notice has been decided already.");
        }
        Optional<NoticeItem> spaceItem = n.items().stream().filter(i -> i.spaceId() != null).findFirst();
        String spaceId = b.spaceId() != null ? b.spaceId() : spaceItem.map(NoticeItem::spaceId).orElse(null);
        String speaker = b.speaker() != null ? b.speaker()
                : n.items().stream().map(NoticeItem::speaker).filter(Objects::nonNull).findFirst().orElse(null);
        String account = b.userHandle() != null ? b.userHandle()
                : n.items().stream().map(NoticeItem::userHandle).filter(Objects::nonNull).findFirst().orElse(speaker);
        if (Boolean.TRUE.equals(b.unfounded()) && !"no_action".equals(b.action())) {
            throw StentorException.badRequest("invalid_unfounded", "Only a \"no_action\" decision can find a notice manifestly unfounded.");
        }
        long[] range = n.items().stream().filter(i -> i.fromMs() != null).findFirst()
                .map(i -> new long[] {i.fromMs(), i.toMs()}).orElse(null);
        Decision d = build(caller, n.id(), b, spaceId, speaker, account, null, Boolean.TRUE.equals(b.unfounded()), range);
        Decision done = record(d, "decision");
        if (n.notifierId() != null) {
            notifier.notify(List.of(n.notifierId()), Notification.Kind.NOTICE_DECIDED, d.spaceId(), "Your notice was decided: "
                    + (d.measure().restricts() ? "the moderators took action (" + d.action().replace('_', ' ') + ")." : "no action was taken.")
                    + " You may appeal the decision.");
            if (d.unfounded()) {
                misuse.afterUnfoundedNotice(n.notifierId());
            }
        }
        return done;
    }

    /** Decides on the platform's own initiative: no notice; names the space or the user itself. */
    public Decision decideOwnInitiative(Caller caller, DecisionBody b) {
        Staff.moderator(caller);
        if (b.spaceId() == null && b.userHandle() == null) {
            throw StentorException.badRequest("target_required", "Name the space (spaceId) or the user (userHandle) the decision is about.");
        }
        String category = b.category() == null ? "" : b.category();
        if (!SafetyService.CATEGORIES.contains(category)) {
            throw StentorException.badRequest("invalid_category", "category is one of " + String.join(", ",
                    SafetyService.CATEGORIES.stream().sorted().toList()) + ".");
        }
        if (!ModerationAction.of(b.action()).map(ModerationAction::restricts).orElse(true)) {
            throw StentorException.badRequest("invalid_action", "An own-initiative decision restricts something; \"no_action\" needs no decision.");
        }
        Decision d = build(caller, null, b, b.spaceId(), b.speaker(), b.userHandle() != null ? b.userHandle() : b.speaker(),
                category, false, null);
        return record(d, "decision");
    }

    /**
     * Records a decision the misuse policy takes by itself (Art 23): fully automated, on the
     * ground of the terms' misuse clause, in the name of the moderator whose decision triggered it.
     */
    Decision recordMisuseSuspension(String moderatorId, String userId, Duration length, String explanation) {
        Instant now = clock.instant();
        Decision d = new Decision(Ids.next(), null, moderatorId, now, ModerationAction.SUSPEND_ACCOUNT.wire(), null, userId, "terms",
                null, terms.current(), Terms.MISUSE_CLAUSE, explanation, List.of("EU"), false, "fully", userId, null, null,
                null, now.plus(length), "other", false, null);
        return record(d, "art23_illegal_content");
    }

    private Decision record(Decision d, String basis) {
        enforcement.check(d);
        if (!repo.decide(d)) {
            throw StentorException.conflict("notice_decided", "This notice has been decided already.");
        }
        export.statement(d).ifPresent(outbox::enqueue); // for the Transparency Database (Art 24(5))
        audit.append(d.decidedBy(), "decision." + d.action(), d.noticeId() != null ? d.noticeId() : d.id(), "decision=" + d.id()
                + " space=" + d.spaceId() + " affected=" + d.affectedUserId() + " ground=" + d.ground() + " scope="
                + String.join(",", d.territorialScope()) + " automated=" + d.automatedDecision() + " basis=" + basis);
        String outcome = enforcement.apply(d, basis);
        if (outcome != null) {
            notifier.notify(List.of(d.affectedUserId()), Notification.Kind.STATEMENT_OF_REASONS, d.spaceId(),
                    subject(d) + " " + outcome + ". See the statement of reasons; you may appeal.");
            boolean accountMeasure = d.measure().target() == ModerationAction.Target.ACCOUNT;
            if (!accountMeasure) {
                misuse.afterViolation(d.affectedUserId(), d.decidedBy());
            }
        }
        return d;
    }

    private String subject(Decision d) {
        if (d.measure().target() == ModerationAction.Target.ACCOUNT) {
            return "Your account";
        }
        return "\"" + spaces.get(d.spaceId()).title() + "\"";
    }

    /** Checks the moderator's request against the action and makes the decision (not yet recorded). */
    private Decision build(Caller caller, String noticeId, DecisionBody b, String spaceId, String speakerHandle,
            String accountHandle, String category, boolean unfounded, long[] range) {
        ModerationAction action = ModerationAction.of(b.action() == null ? "" : b.action())
                .orElseThrow(() -> StentorException.badRequest("invalid_action", "action is one of "
                        + ModerationAction.names() + "."));
        String ground = b.ground() == null ? "" : b.ground();
        String explanation = Staff.text("A field", b.explanation(), 4000);
        if (explanation == null || explanation.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain the decision in 10 to 4,000 characters.");
        }
        switch (ground) {
            case "illegal" -> {
                if (Staff.text("A field", b.legalGround(), 500) == null) {
                    throw StentorException.badRequest("legal_ground_required", "Name the legal ground (law and article).");
                }
            }
            case "terms" -> {
                if (Staff.text("A field", b.termsVersion(), 32) == null || Staff.text("A field", b.termsClause(), 200) == null) {
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
            if (s == null || !s.matches("[A-Z]{2,3}")) {
                throw StentorException.badRequest("invalid_territorial_scope", "territorialScope holds country codes (GR, FR…) or EU/EEA.");
            }
        }
        String automated = b.automatedDecision() == null ? "not_automated" : b.automatedDecision();
        if (!Set.of("fully", "partially", "not_automated").contains(automated)) {
            throw StentorException.badRequest("invalid_automated_decision", "automatedDecision is fully, partially or not_automated.");
        }
        Space space = null;
        if (action.target() == ModerationAction.Target.SPACE || action.target() == ModerationAction.Target.SPEAKER) {
            if (spaceId == null) {
                throw StentorException.badRequest("no_space", "Only a decision about a space can " + action.wire().replace('_', ' ') + ".");
            }
            space = spaces.find(spaceId).orElseThrow(() -> StentorException.badRequest("no_space", "No space with id " + spaceId + "."));
        }
        String affected = null;
        String target = null;
        String label = null;
        Instant endsAt = null;
        switch (action.target()) {
            case NOTHING -> {
            }
            case SPACE -> affected = space.hostId();
            case SPEAKER -> {
                target = user(speakerHandle, "speaker", "Name the speaker (speaker: their handle).").id();
                affected = target;
            }
            case ACCOUNT -> {
                String handle = accountHandle != null ? accountHandle : spaceId == null ? null
                        : users.findById(spaces.get(spaceId).hostId()).map(User::handle).orElse(null);
                target = user(handle, "userHandle", "Name the account (userHandle).").id();
                affected = target;
            }
        }
        if (action == ModerationAction.LABEL) {
            label = Staff.text("A field", b.label(), 200);
            if (label == null || label.length() < 3) {
                throw StentorException.badRequest("label_required", "Give the label's text (label: 3 to 200 characters).");
            }
        }
        Long fromMs = null;
        Long toMs = null;
        if (action == ModerationAction.CUT_REPLAY) {
            fromMs = b.fromMs() != null ? b.fromMs() : range == null ? null : range[0];
            toMs = b.toMs() != null ? b.toMs() : range == null ? null : range[1];
            if (fromMs == null || toMs == null || fromMs < 0 || toMs <= fromMs || toMs - fromMs > SafetyService.MAX_RANGE_MS) {
                throw StentorException.badRequest("invalid_range", "Give the range to cut: fromMs and toMs (ms from the start "
                        + "of the space, forward, at most an hour), or a notice item with a range.");
            }
        }
        if (action == ModerationAction.SUSPEND_ACCOUNT) {
            if (b.suspendDays() == null || b.suspendDays() < 1 || b.suspendDays() > MAX_SUSPEND_DAYS) {
                throw StentorException.badRequest("invalid_suspend_days", "suspendDays is 1 to " + MAX_SUSPEND_DAYS + ".");
            }
            endsAt = clock.instant().plus(Duration.ofDays(b.suspendDays()));
        }
        return new Decision(Ids.next(), noticeId, caller.userId(), clock.instant(), action.wire(),
                space == null ? spaceId : space.id(), affected, ground,
                ground.equals("illegal") ? Staff.text("A field", b.legalGround(), 500) : null,
                ground.equals("terms") ? Staff.text("A field", b.termsVersion(), 32) : null,
                ground.equals("terms") ? Staff.text("A field", b.termsClause(), 200) : null, explanation, List.copyOf(scope),
                Boolean.TRUE.equals(b.automatedDetection()), automated, target, label, fromMs, toMs, endsAt, category, unfounded,
                null);
    }

    private User user(String handle, String field, String message) {
        if (handle == null || handle.isBlank()) {
            throw StentorException.badRequest(field + "_required", message);
        }
        return users.findByHandle(handle.strip())
                .orElseThrow(() -> StentorException.badRequest("user_not_found", "No user with handle " + handle.strip() + "."));
    }
}
