package io.stentor.safety;

import io.stentor.error.StentorException;

/** Free text from moderators and notifiers: stripped, blank as absent, and bounded. */
final class Text {

    private Text() {
    }

    /** {@code s} stripped, or null when blank; a 400 when longer than {@code max}. */
    static String trimmed(String s, int max) {
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
