package io.stentor.flood;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of attack {@code stentor flood} can drill, by their command-line names. */
public enum FloodKind {
    /** WebSocket listens and Ogg stream GETs carrying a junk {@code ?ticket=}. */
    INVALID_TICKETS(true),
    /** Malformed request lines, oversized heads, random bytes, invalid JSON bodies. */
    JUNK(false),
    /** Logins with wrong passwords, for one handle or random ones. */
    LOGINS(false),
    /** Connections that send their head one byte every few seconds and hold on. */
    SLOWLORIS(false),
    /** WebSocket listens dropped as soon as they are answered, again and again. */
    RECONNECT_STORM(true);

    private final boolean needsSpace;

    FloodKind(boolean needsSpace) {
        this.needsSpace = needsSpace;
    }

    /** Whether the attack targets a space (so {@code --space} is required). */
    public boolean needsSpace() {
        return needsSpace;
    }

    /** The command-line and report name: {@code invalid-tickets}, {@code junk}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static FloodKind parse(String label) {
        for (FloodKind k : values()) {
            if (k.label().equals(label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown --kind '" + label + "'; use one or more of "
                + Arrays.stream(values()).map(FloodKind::label).collect(Collectors.joining(", ")));
    }
}
