package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.guard.SigningKey;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import io.stentor.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The internal complaint-handling system (DSA Art 20): the affected user and the notifier (also
 * against "no action"; an anonymous notifier with the follow-up key of their receipt) appeal within
 * six months; a moderator other than the first decider upholds or reverses. Reversing the affected
 * user's appeal restores what was restricted; reversing the notifier's sends the notice back to the
 * queue for a new decision.
 */
public final class Appeals {

    /** How long after a decision it may be appealed (Art 20(1): at least six months). */
    static final Duration WINDOW = Duration.ofDays(183);
    private static final String FOLLOW_UP = "notice-follow-up";

    private final SafetyRepository repo;
    private final Enforcement enforcement;
    private final Notifier notifier;
    private final AuditLog audit;
    private final SigningKey key;
    private final Clock clock;

    Appeals(SafetyRepository repo, Enforcement enforcement, Notifier notifier, AuditLog audit, SigningKey key, Clock clock) {
        this.repo = repo;
        this.enforcement = enforcement;
        this.notifier = notifier;
        this.audit = audit;
        this.key = key;
        this.clock = clock;
    }

    /** The key that lets the sender of a notice follow it and appeal its decision without an account. */
    String followUpKey(String noticeId) {
        return key.sign(FOLLOW_UP, noticeId);
    }

    /** The notice behind a follow-up key; 404 for a wrong key, the same as for no notice. */
    Notice followed(String noticeId, String followUpKey) {
        if (followUpKey == null || !key.verify(FOLLOW_UP, noticeId, followUpKey)) {
            throw StentorException.notFound("notice_not_found", "No notice with this id and key.");
        }
        return repo.find(noticeId).orElseThrow(() -> StentorException.notFound("notice_not_found", "No notice with this id and key."));
    }

    /** The affected user appeals a decision that restricted them. */
    public Appeal byAffected(Caller caller, String decisionId, String explanation) {
        Decision d = repo.decision(decisionId).filter(x -> caller.userId().equals(x.affectedUserId()))
                .orElseThrow(() -> StentorException.notFound("statement_not_found", "No decision about you with id " + decisionId + "."));
        return file(d, caller.userId(), Appeal.AFFECTED, explanation);
    }

    /** A signed-in notifier appeals the decision on their notice. */
    public Appeal byNotifier(Caller caller, String noticeId, String explanation) {
        Notice n = repo.find(noticeId).filter(x -> caller.userId().equals(x.notifierId()))
                .orElseThrow(() -> StentorException.notFound("notice_not_found", "You sent no notice with id " + noticeId + "."));
        return file(decisionOf(n), caller.userId(), Appeal.NOTIFIER, explanation);
    }

    /** An anonymous notifier appeals with the follow-up key of their receipt. */
    public Appeal byKey(String noticeId, String followUpKey, String explanation) {
        return file(decisionOf(followed(noticeId, followUpKey)), null, Appeal.NOTIFIER, explanation);
    }

    private Decision decisionOf(Notice n) {
        if (n.decisionId() == null) {
            throw StentorException.conflict("not_decided", "This notice has not been decided yet.");
        }
        return repo.decision(n.decisionId()).orElseThrow();
    }

    private Appeal file(Decision d, String appellant, String role, String explanation) {
        if (clock.instant().isAfter(d.decidedAt().plus(WINDOW))) {
            throw StentorException.conflict("appeal_window_closed", "Decisions can be appealed for six months; this one can no longer be.");
        }
        String text = Staff.text("A field", explanation, 4000);
        if (text == null || text.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain in 10 to 4,000 characters why the decision is wrong.");
        }
        Appeal a = new Appeal(Ids.next(), d.id(), appellant, role, clock.instant(), text, "OPEN", null, null, null);
        if (!repo.insert(a)) {
            throw StentorException.conflict("appeal_open", "An appeal against this decision is open already.");
        }
        audit.append(appellant, "appeal.filed", d.id(), "appeal=" + a.id() + " role=" + role);
        return a;
    }

    public List<Appeal> open(Caller caller, int limit) {
        Staff.moderator(caller);
        return repo.openAppeals(limit);
    }

    /** Decides an appeal (a moderator other than the first decider) and tells the appellant. */
    public Appeal decide(Caller caller, String appealId, String outcome, String reply) {
        Staff.moderator(caller);
        Appeal a = repo.appeal(appealId).orElseThrow(() -> StentorException.notFound("appeal_not_found", "No appeal with id " + appealId + "."));
        Decision d = repo.decision(a.decisionId()).orElseThrow();
        if (caller.userId().equals(d.decidedBy())) {
            throw StentorException.forbidden("same_moderator", "An appeal is decided by someone other than the first decider.");
        }
        if (!Set.of("upheld", "reversed").contains(outcome == null ? "" : outcome)) {
            throw StentorException.badRequest("invalid_outcome", "outcome is upheld or reversed.");
        }
        String text = Staff.text("A field", reply, 4000);
        if (text == null || text.length() < 10) {
            throw StentorException.badRequest("invalid_explanation", "Explain the outcome to the appellant in 10 to 4,000 characters.");
        }
        if (!repo.closeAppeal(a.id(), outcome.toUpperCase(Locale.ROOT), caller.userId(), clock.instant(), text)) {
            throw StentorException.conflict("appeal_decided", "This appeal has been decided already.");
        }
        boolean reversed = outcome.equals("reversed");
        String restored = "";
        if (reversed && a.role().equals(Appeal.AFFECTED) && d.reversedAt() == null) {
            restored = enforcement.restore(d);
            repo.reversed(d.id(), clock.instant());
        } else if (reversed) { // the notifier was right: the notice goes back to the queue for a new decision
            repo.reopen(d.noticeId());
            restored = " The notice will be decided again.";
        }
        audit.append(caller.userId(), "appeal." + outcome, d.id(), "appeal=" + a.id() + " role=" + a.role());
        if (a.appellantId() != null) {
            notifier.notify(List.of(a.appellantId()), Notification.Kind.APPEAL_DECIDED, d.spaceId(), reversed
                    ? "Your appeal succeeded: the decision was reversed." + restored
                    : "Your appeal was rejected: the decision stands. You may still go to an out-of-court dispute settlement body "
                            + "or to court.");
        }
        return repo.appeal(a.id()).orElseThrow();
    }

    /** The appeals against a decision (for the statement view). */
    List<Appeal> of(String decisionId) {
        return repo.appealsOf(decisionId);
    }
}
