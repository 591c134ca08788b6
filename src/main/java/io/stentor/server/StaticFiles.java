package io.stentor.server;

import io.stentor.error.StentorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web app's files, served from the classpath folder {@code /web} (no build step): {@code /}
 * is {@code index.html}, everything else is {@code /web/NAME}. Names are one path segment of safe
 * characters, so nothing outside that folder can be reached; {@code /web/vendor/NAME} is a third
 * party's file kept as published (hls.js). Read once, then kept in memory.
 */
final class StaticFiles {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "ico", "image/x-icon", "json", "application/json", "wav", "audio/wav", "mjs", "text/javascript; charset=utf-8");

    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    void register(Router r) {
        r.get("/", req -> file("", "index.html"));
        r.get("/web/{file}", req -> file("", req.param("file")));
        r.get("/web/vendor/{file}", req -> file("vendor/", req.param("file")));
    }

    private ApiResponse file(String folder, String file) {
        if (!SAFE.matcher(file).matches()) {
            throw StentorException.notFound("not_found", "No such file: " + file);
        }
        String name = folder + file;
        byte[] body = cache.computeIfAbsent(name, StaticFiles::load)
                .orElseThrow(() -> StentorException.notFound("not_found", "No such file: " + name));
        String ext = name.substring(name.lastIndexOf('.') + 1);
        // no-cache: the browser revalidates, so a new version of the app is picked up at once.
        return ApiResponse.raw(200, TYPES.getOrDefault(ext, "application/octet-stream"), body)
                .header("Cache-Control", "no-cache");
    }

    private static Optional<byte[]> load(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
