package io.stentor.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One HTTP request as a route sees it: path parameters, query, headers, the JSON body and the
 * authenticated caller (resolved on first use from the session cookie or bearer token). Used by one
 * thread at a time (the virtual thread handling the request).
 */
public final class ApiRequest {

    public static final String SESSION_COOKIE = "stentor_session";

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final InetSocketAddress remote;
    private final Function<String, Optional<Caller>> authenticator;
    private Optional<Caller> caller;
    /** A restricted account's caller, hidden from a request it may not make. */
    private Caller restricted;

    ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
            HttpHeaders headers, byte[] body, InetSocketAddress remote, Function<String, Optional<Caller>> authenticator) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.remote = remote;
        this.authenticator = authenticator;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String param(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("route has no path parameter " + name);
        }
        return v;
    }

    public Optional<String> query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** A query parameter as a whole number within bounds, or the default when absent. */
    public int queryInt(String name, int defaultValue, int min, int max) {
        Optional<String> v = query(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw StentorException.badRequest("invalid_query", "Query parameter '" + name
                    + "' must be a whole number from " + min + " to " + max + ".");
        }
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** Bytes in the request body (0: none sent). */
    public int bodyLength() {
        return body.length;
    }

    /** The body parsed as JSON into {@code type}: 415 unless it is declared JSON, 400 when malformed. */
    public <T> T body(Class<T> type) {
        String ct = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new StentorException(StentorException.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Send the request body as JSON with 'Content-Type: application/json'.");
        }
        if (body.length == 0) {
            throw StentorException.badRequest("body_required", "This request needs a JSON body.");
        }
        return Json.read(body, type);
    }

    /** Whether the request carries a bearer token or a session cookie (not yet checked). */
    public boolean hasCredentials() {
        return bearerToken().isPresent() || sessionCookie().isPresent();
    }

    /**
     * The signed-in caller. A suspended or terminated account counts as signed in only where it may
     * still act — its own account, notifications, statements of reasons and appeals, the terms —
     * and as anonymous elsewhere (so it can still read what anyone can).
     */
    public Optional<Caller> caller() {
        if (caller == null) {
            String token = bearerToken().or(this::sessionCookie).orElse(null);
            caller = token == null ? Optional.empty() : authenticator.apply(token);
            if (caller.isPresent() && caller.get().restrictedAt(java.time.Instant.now()) && !allowedWhileRestricted(path())) {
                restricted = caller.get();
                caller = Optional.empty();
            }
        }
        return caller;
    }

    /** The caller, or a 401 when the request is not signed in (a 403 when the account is restricted). */
    public Caller requireCaller() {
        return caller().orElseThrow(() -> restricted != null
                ? StentorException.forbidden("account_restricted", "Your account is "
                        + (restricted.terminated() ? "terminated"
                                : "suspended until " + restricted.restrictedUntil())
                        + ": you may read your statements of reasons and appeal them (GET /api/v1/me/statements).")
                : StentorException.unauthorized("Sign in first: send the session cookie or 'Authorization: Bearer TOKEN'."));
    }

    private static boolean allowedWhileRestricted(String path) {
        return path.equals("/api/v1/me") || path.startsWith("/api/v1/me/") || path.startsWith("/api/v1/auth/")
                || path.startsWith("/api/v1/terms");
    }

    private Optional<String> bearerToken() {
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(auth.substring(7).trim());
        }
        return Optional.empty();
    }

    private Optional<String> sessionCookie() {
        return cookie(SESSION_COOKIE);
    }

    /** The value of the named cookie the client sent, if any. */
    public Optional<String> cookie(String name) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return Optional.empty();
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(name)) {
                return Optional.of(c.value());
            }
        }
        return Optional.empty();
    }
}
