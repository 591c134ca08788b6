package io.stentor.guard;

import io.stentor.account.Caller;
import io.stentor.account.Role;

/** Who is joining, highest priority first: under pressure the lower classes are shed first. */
public enum Priority {
    /** The host and the people on stage: always admitted. */
    STAGE,
    /** Moderators and admins: always admitted, they may have to act. */
    MODERATOR,
    /** Listeners who were admitted and come back (a reconnect with their earlier ticket). */
    ADMITTED,
    /** Signed-in people joining for the first time. */
    MEMBER,
    /** Anonymous listeners joining for the first time. */
    ANONYMOUS;

    /** Never queued, never refused for load. */
    public boolean bypassesAdmission() {
        return this == STAGE || this == MODERATOR;
    }

    /** The class of a new join by this caller (not on stage, no earlier ticket). */
    public static Priority of(java.util.Optional<Caller> caller) {
        if (caller.isEmpty()) {
            return ANONYMOUS;
        }
        Role role = caller.get().user().role();
        return role == Role.MODERATOR || role == Role.ADMIN ? MODERATOR : MEMBER;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
