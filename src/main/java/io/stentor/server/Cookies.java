package io.stentor.server;

import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.time.Duration;

/** The browser session cookie: HttpOnly (no script can read it), SameSite=Lax, path /. */
public final class Cookies {

    private Cookies() {
    }

    public static String session(String token, Duration ttl, boolean secure) {
        DefaultCookie c = new DefaultCookie(ApiRequest.SESSION_COOKIE, token);
        c.setHttpOnly(true);
        c.setSecure(secure);
        c.setPath("/");
        c.setMaxAge(ttl.toSeconds());
        c.setSameSite(CookieHeaderNames.SameSite.Lax);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    public static String clearSession(boolean secure) {
        DefaultCookie c = new DefaultCookie(ApiRequest.SESSION_COOKIE, "");
        c.setHttpOnly(true);
        c.setSecure(secure);
        c.setPath("/");
        c.setMaxAge(0);
        c.setSameSite(CookieHeaderNames.SameSite.Lax);
        return ServerCookieEncoder.STRICT.encode(c);
    }
}
