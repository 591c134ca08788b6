package io.stentor.safety;

import io.stentor.account.AccountRestrictions;
import io.stentor.config.StentorConfig;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The misuse policies of DSA Art 23, as the terms state them (section 6): a user whose content or
 * participation keeps being restricted is warned, then suspended for a while; a notifier whose
 * notices keep being found manifestly unfounded has their notices queued last, is warned, then has
 * the processing of their notices suspended. Only decisions not reversed on appeal count, over
 * {@code misuse.window}. Every step is audited and told to the person.
 */
final class MisusePolicy {

    static final String VIOLATIONS = "violations";
    static final String UNFOUNDED = "unfounded_notices";

    /** Records the suspension decision the policy takes (set once {@link Moderation} exists). */
    interface Suspender {
        void suspend(String moderatorId, String userId, java.time.Duration length, String explanation);
    }

    private final Jdbi jdbi;
    private final StentorConfig.Misuse cfg;
    private final AccountRestrictions restrictions;
    private final Notifier notifier;
    private final AuditLog audit;
    private final Clock clock;
    private volatile Suspender suspender;

    MisusePolicy(Jdbi jdbi, StentorConfig.Misuse cfg, AccountRestrictions restrictions, Notifier notifier, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.cfg = cfg;
        this.restrictions = restrictions;
        this.notifier = notifier;
        this.audit = audit;
        this.clock = clock;
    }

    void suspender(Suspender s) {
        this.suspender = s;
    }

    /**
     * After a restriction of {@code userId}'s content or participation (taken by {@code moderatorId}).
     * Labels and age restrictions do not count: they find content sensitive, not the user at fault.
     */
    void afterViolation(String userId, String moderatorId) {
        int n = count("""
                SELECT COUNT(*) FROM decisions WHERE affected_user_id = :u AND action NOT IN ('no_action', 'label', 'age_restrict',
                    'suspend_account', 'terminate_account') AND reversed_at IS NULL AND decided_at > :since""", userId);
        if (cfg.violationsSuspend() > 0 && n >= cfg.violationsSuspend() && warned(userId, VIOLATIONS) && !suspendedNow(userId)) {
            suspender.suspend(moderatorId, userId, cfg.violationsSuspension(), n + " restrictions within "
                    + cfg.window().toDays() + " days after a warning: the account is suspended for "
                    + cfg.violationsSuspension().toDays() + " days under the misuse policy of the terms (DSA Art 23(1)).");
        } else if (cfg.violationsWarn() > 0 && n >= cfg.violationsWarn() && warn(userId, VIOLATIONS)) {
            notifier.notify(List.of(userId), Notification.Kind.MISUSE_WARNING, null, "Warning: your content or participation was "
                    + "restricted " + n + " times within " + cfg.window().toDays() + " days. Under the terms (section 6), "
                    + (cfg.violationsSuspend() > 0 ? "at " + cfg.violationsSuspend() + " your account is suspended for "
                            + cfg.violationsSuspension().toDays() + " days." : "further violations may lead to a suspension."));
        }
    }

    /** After a notice of {@code notifierId} was found manifestly unfounded. */
    void afterUnfoundedNotice(String notifierId) {
        int n = unfounded(notifierId);
        Instant now = clock.instant();
        if (cfg.unfoundedSuspend() > 0 && n >= cfg.unfoundedSuspend() && warned(notifierId, UNFOUNDED)
                && restrictions.noticesSuspendedUntil(notifierId, now).isEmpty()) {
            Instant until = now.plus(cfg.unfoundedSuspension());
            restrictions.restrict(notifierId, AccountRestrictions.Kind.NOTICE_SUSPENSION, "art23_unfounded_notices", now, until, null,
                    n + " manifestly unfounded notices within " + cfg.window().toDays() + " days after a warning.");
            audit.append(null, "misuse.notices_suspended", notifierId, "unfounded=" + n + " until=" + until);
            notifier.notify(List.of(notifierId), Notification.Kind.MISUSE_WARNING, null, "We stopped processing your notices until "
                    + until + ": " + n + " of them were manifestly unfounded (terms, section 6; DSA Art 23(2)).");
        } else if (cfg.unfoundedWarn() > 0 && n >= cfg.unfoundedWarn() && warn(notifierId, UNFOUNDED)) {
            notifier.notify(List.of(notifierId), Notification.Kind.MISUSE_WARNING, null, "Warning: " + n + " of your notices were "
                    + "found manifestly unfounded. Under the terms (section 6), "
                    + (cfg.unfoundedSuspend() > 0 ? "at " + cfg.unfoundedSuspend() + " we stop processing your notices for "
                            + cfg.unfoundedSuspension().toDays() + " days." : "further ones may suspend your notices."));
        }
    }

    /** Whether this notifier's notices are queued after everyone else's. */
    boolean deprioritised(String notifierId) {
        return cfg.unfoundedDeprioritise() > 0 && unfounded(notifierId) >= cfg.unfoundedDeprioritise();
    }

    private int unfounded(String notifierId) {
        return count("""
                SELECT COUNT(*) FROM decisions d JOIN notices n ON n.id = d.notice_id
                WHERE n.notifier_id = :u AND d.unfounded = TRUE AND d.reversed_at IS NULL AND d.decided_at > :since""", notifierId);
    }

    private boolean suspendedNow(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT restricted_until FROM users WHERE id = :u").bind("u", userId)
                .mapTo(Timestamp.class).findOne().map(t -> t.toInstant().isAfter(clock.instant())).orElse(false));
    }

    private int count(String sql, String userId) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("u", userId)
                .bind("since", Timestamp.from(clock.instant().minus(cfg.window()))).mapTo(Integer.class).one());
    }

    private boolean warned(String userId, String policy) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM misuse_warnings WHERE user_id = :u AND policy = :p")
                .bind("u", userId).bind("p", policy).mapTo(Integer.class).one() > 0);
    }

    /** Records the warning; false if this user was warned under this policy already. */
    private boolean warn(String userId, String policy) {
        if (warned(userId, policy)) {
            return false;
        }
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO misuse_warnings (user_id, policy, warned_at) VALUES (:u, :p, :at)")
                .bind("u", userId).bind("p", policy).bind("at", Timestamp.from(clock.instant())).execute());
        audit.append(null, "misuse.warning", userId, "policy=" + policy);
        return true;
    }
}
