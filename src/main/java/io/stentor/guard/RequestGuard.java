package io.stentor.guard;

import io.stentor.error.StentorException;
import java.net.InetAddress;

/**
 * Decides, from a request's route alone, which rate limit it draws on, and refuses it with 429
 * and {@code Retry-After} when that limit is spent. Runs on the network thread before the request
 * is handed to a handler: no database, no password hashing, nothing allocated for a refused
 * request beyond the answer. Thread-safe.
 */
public final class RequestGuard {

    private final RateLimits limits;

    public RequestGuard(RateLimits limits) {
        this.limits = limits;
    }

    /** Null when the request may proceed; otherwise the refusal to send. */
    public StentorException check(String method, String route, InetAddress client) {
        long wait = limits.check(RateLimits.Action.API, client);
        if (wait == 0) {
            RateLimits.Action specific = action(method, route);
            wait = specific == null ? 0 : limits.check(specific, client);
        }
        if (wait == 0) {
            return null;
        }
        return new StentorException(StentorException.Kind.TOO_MANY_REQUESTS, "rate_limited",
                "Too many requests from your network; try again in " + wait + " s.").retryAfter(wait);
    }

    static RateLimits.Action action(String method, String route) {
        return switch (route) {
            case "/api/v1/users" -> method.equals("POST") ? RateLimits.Action.REGISTER : null;
            case "/api/v1/auth/login", "/api/v1/auth/tokens" -> RateLimits.Action.LOGIN;
            case "/api/v1/spaces/{id}/join", "/api/v1/spaces/{id}/listen", "/api/v1/spaces/{id}/events",
                    "/spaces/{id}/live.opus" -> RateLimits.Action.JOIN;
            case "/api/v1/spaces/{id}/reactions" -> RateLimits.Action.REACTION;
            default -> null;
        };
    }
}
