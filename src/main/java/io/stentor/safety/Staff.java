package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.account.Role;
import io.stentor.error.StentorException;

/** Who may see the registers, the escalation queue, the evidence and the unpublished report. */
final class Staff {

    private Staff() {
    }

    /** Moderators and admins; anyone else gets a 403 (the route's requireCaller gave the 401). */
    static Caller moderator(Caller c) {
        Role r = c.user().role();
        if (r != Role.MODERATOR && r != Role.ADMIN) {
            throw StentorException.forbidden("moderators_only", "Only moderators may see and act on this.");
        }
        return c;
    }

    static Caller admin(Caller c) {
        if (!c.isAdmin()) {
            throw StentorException.forbidden("admins_only", "Only admins may publish a transparency report.");
        }
        return c;
    }

    /** {@code s} stripped, null when blank; a 400 naming {@code field} when longer than {@code max}. */
    static String text(String field, String s, int max) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.strip();
        if (t.length() > max) {
            throw StentorException.badRequest("too_long", field + " is longer than " + max + " characters.");
        }
        return t;
    }

    /** Like {@link #text} but required. */
    static String required(String field, String s, int max) {
        String t = text(field, s, max);
        if (t == null) {
            throw StentorException.badRequest("missing_" + field.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT),
                    field + " is required.");
        }
        return t;
    }
}
