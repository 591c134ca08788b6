package io.stentor.account;

import io.stentor.error.StentorException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A user's public handle: 3–30 characters of letters, digits and underscores, starting with a
 * letter. Unique without regard to case ({@link #key()}), displayed as typed.
 */
public record Handle(String value) {

    public static final int MIN = 3;
    public static final int MAX = 30;
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public Handle {
        if (value == null || value.length() < MIN || value.length() > MAX || !VALID.matcher(value).matches()) {
            throw StentorException.badRequest("invalid_handle", "A handle has " + MIN + " to " + MAX
                    + " characters: letters, digits and underscores, starting with a letter.");
        }
    }

    /** The case-insensitive form that must be unique. */
    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }
}
