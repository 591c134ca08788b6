package io.stentor.account;

/** What an account may do platform-wide. Roles inside a space are separate (see the space part). */
public enum Role {
    USER, MODERATOR, ADMIN, TRUSTED_FLAGGER;

    public boolean isAdmin() {
        return this == ADMIN;
    }
}
