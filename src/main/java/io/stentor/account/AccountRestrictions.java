package io.stentor.account;

import io.stentor.store.Ids;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Restrictions on accounts (DSA Art 17, 23): a suspension for a period, a termination, or a
 * suspension of the processing of someone's notices. A restricted account can still sign in, read
 * its statements of reasons and appeal (see {@link Caller#restrictedAt}); nothing else. Thread-safe.
 */
public final class AccountRestrictions {

    /** What is restricted. */
    public enum Kind {
        SUSPENSION, TERMINATION, NOTICE_SUSPENSION;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Far enough to mean "for good" in a TIMESTAMP column. */
    static final Instant FOREVER = Instant.parse("9999-12-31T00:00:00Z");

    private final Jdbi jdbi;

    public AccountRestrictions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Restricts a user from {@code now} until {@code endsAt} (null: for good). {@code basis} is
     * "decision" or an Art 23 misuse basis ("art23_..."). Returns the restriction's id.
     */
    public String restrict(String userId, Kind kind, String basis, Instant now, Instant endsAt, String decisionId, String reason) {
        String id = Ids.next();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO account_restrictions (id, user_id, kind, basis, starts_at, ends_at, decision_id, reason)
                    VALUES (:id, :user, :kind, :basis, :starts, :ends, :decision, :reason)""")
                    .bind("id", id).bind("user", userId).bind("kind", kind.column()).bind("basis", basis)
                    .bind("starts", Timestamp.from(now)).bind("ends", endsAt == null ? null : Timestamp.from(endsAt))
                    .bind("decision", decisionId).bind("reason", reason).execute();
            refresh(h, userId, now);
        });
        return id;
    }

    /** Lifts the restrictions a decision imposed (its appeal succeeded). */
    public void liftFor(String decisionId, Instant now) {
        jdbi.useTransaction(h -> {
            var users = h.createQuery("SELECT DISTINCT user_id FROM account_restrictions WHERE decision_id = :d AND lifted_at IS NULL")
                    .bind("d", decisionId).mapTo(String.class).list();
            h.createUpdate("UPDATE account_restrictions SET lifted_at = :now WHERE decision_id = :d AND lifted_at IS NULL")
                    .bind("now", Timestamp.from(now)).bind("d", decisionId).execute();
            users.forEach(u -> refresh(h, u, now));
        });
    }

    /** Until when the processing of this user's notices is suspended, if it is now. */
    public Optional<Instant> noticesSuspendedUntil(String userId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT MAX(COALESCE(ends_at, :forever)) FROM account_restrictions
                WHERE user_id = :u AND kind = 'notice_suspension' AND lifted_at IS NULL
                  AND (ends_at IS NULL OR ends_at > :now)""")
                .bind("u", userId).bind("now", Timestamp.from(now)).bind("forever", Timestamp.from(FOREVER))
                .mapTo(Timestamp.class).findOne().map(Timestamp::toInstant));
    }

    /** Recomputes users.restricted_until: the latest end of the account's live suspensions or terminations. */
    private static void refresh(org.jdbi.v3.core.Handle h, String userId, Instant now) {
        Timestamp until = h.createQuery("""
                SELECT MAX(COALESCE(ends_at, :forever)) FROM account_restrictions
                WHERE user_id = :u AND kind IN ('suspension', 'termination') AND lifted_at IS NULL
                  AND (ends_at IS NULL OR ends_at > :now)""")
                .bind("u", userId).bind("now", Timestamp.from(now)).bind("forever", Timestamp.from(FOREVER))
                .mapTo(Timestamp.class).findOne().orElse(null);
        h.createUpdate("UPDATE users SET restricted_until = :until WHERE id = :u").bind("until", until).bind("u", userId).execute();
    }
}
