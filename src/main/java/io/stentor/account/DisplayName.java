package io.stentor.account;

import io.stentor.error.StentorException;

/**
 * The name shown beside a handle: 1–50 characters after trimming, any script, but no control or
 * invisible formatting characters (which could spoof other names or break layouts).
 */
public record DisplayName(String value) {

    public static final int MAX = 50;

    public DisplayName {
        if (value == null) {
            throw StentorException.badRequest("invalid_display_name", "A display name is required.");
        }
        value = value.strip();
        int length = value.codePointCount(0, value.length());
        if (length < 1 || length > MAX) {
            throw StentorException.badRequest("invalid_display_name",
                    "A display name has 1 to " + MAX + " characters.");
        }
        boolean bad = value.codePoints().anyMatch(cp -> Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT || Character.getType(cp) == Character.LINE_SEPARATOR
                || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR);
        if (bad) {
            throw StentorException.badRequest("invalid_display_name",
                    "A display name may not contain control or invisible formatting characters.");
        }
    }
}
