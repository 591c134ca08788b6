package io.stentor.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The terms of service, as versioned documents with stable URLs ({@code /terms/{version}}), so that
 * a decision cites the version it applied. Read once at start from {@code safety.terms-dir}
 * ({@code versions.txt}, oldest first, and one {@code VERSION.md} per version), or the bundled
 * example terms when that setting is empty.
 */
public final class Terms {

    /** The clause a misuse suspension cites (section "Misuse" of the terms; see the bundled 2026-11). */
    static final String MISUSE_CLAUSE = "6.1 Misuse: repeated violations";

    private final Map<String, byte[]> versions = new LinkedHashMap<>();

    public Terms(String dir) {
        String list = read(dir, "versions.txt");
        for (String v : list.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            if (!v.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new IllegalArgumentException("terms version names are 1-32 of A-Z a-z 0-9 . _ -: " + v);
            }
            versions.put(v, read(dir, v + ".md").getBytes(StandardCharsets.UTF_8));
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no terms versions in " + (dir.isEmpty() ? "the bundled terms" : dir));
        }
    }

    public List<String> versions() {
        return List.copyOf(versions.keySet());
    }

    public String current() {
        return versions().getLast();
    }

    public boolean exists(String version) {
        return versions.containsKey(version);
    }

    public Optional<byte[]> text(String version) {
        return Optional.ofNullable(versions.get(version));
    }

    public static String url(String version) {
        return "/terms/" + version;
    }

    private static String read(String dir, String name) {
        try {
            if (!dir.isEmpty()) {
                return Files.readString(Path.of(dir, name));
            }
            try (InputStream in = Terms.class.getResourceAsStream("/terms/" + name)) {
                if (in == null) {
                    throw new IllegalArgumentException("bundled terms lack " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read terms file " + name, e);
        }
    }
}
