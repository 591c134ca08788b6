package io.stentor.account;

import java.time.Instant;

/**
 * The authenticated user behind a request, and the session that proved it. {@code restrictedUntil}
 * is set while the account is suspended or terminated (see {@link AccountRestrictions}).
 */
public record Caller(User user, Session session, Instant restrictedUntil) {

    public String userId() {
        return user.id();
    }

    public boolean isAdmin() {
        return user.role().isAdmin();
    }

    public boolean isModerator() {
        return user.role() == Role.MODERATOR || user.role().isAdmin();
    }

    /** Whether the account was terminated (restricted for good). */
    public boolean terminated() {
        return restrictedUntil != null && !restrictedUntil.isBefore(AccountRestrictions.FOREVER);
    }

    /** Whether the account is suspended or terminated at {@code now}. */
    public boolean restrictedAt(Instant now) {
        return restrictedUntil != null && restrictedUntil.isAfter(now);
    }
}
