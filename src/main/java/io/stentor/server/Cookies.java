package io.stentor.server;

import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.time.Duration;

/**
 * The cookies Stentor sets, all HttpOnly (no script can read them) and SameSite=Lax: the browser
 * session (path /) and the known-device mark of the login guard (path /api/v1/auth only).
 */
public final class Cookies {

    /** Names the account a browser logged into before; see io.stentor.guard.LoginThrottle. */
    public static final String KNOWN_DEVICE = "stentor_device";

    private Cookies() {
    }

    public static String session(String token, Duration ttl, boolean secure) {
        return encode(ApiRequest.SESSION_COOKIE, token, "/", ttl.toSeconds(), secure);
    }

    public static String clearSession(boolean secure) {
        return encode(ApiRequest.SESSION_COOKIE, "", "/", 0, secure);
    }

    public static String knownDevice(String value, Duration ttl, boolean secure) {
        return encode(KNOWN_DEVICE, value, "/api/v1/auth", ttl.toSeconds(), secure);
    }

    private static String encode(String name, String value, String path, long maxAgeSeconds, boolean secure) {
        DefaultCookie c = new DefaultCookie(name, value);
        c.setHttpOnly(true);
        c.setSecure(secure);
        c.setPath(path);
        c.setMaxAge(maxAgeSeconds);
        c.setSameSite(CookieHeaderNames.SameSite.Lax);
        return ServerCookieEncoder.STRICT.encode(c);
    }
}
