package io.stentor.account;

/** The authenticated user behind a request, and the session that proved it. */
public record Caller(User user, Session session) {

    public String userId() {
        return user.id();
    }

    public boolean isAdmin() {
        return user.role().isAdmin();
    }
}
