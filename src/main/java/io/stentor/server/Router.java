package io.stentor.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps method + path to a route. Patterns are literal segments and {@code {name}} parameters
 * ({@code /api/v1/spaces/{id}/start}). Filled at start-up, then only read: safe to share.
 */
public final class Router {

    /** Handles one request; runs on a virtual thread, so it may block on the database. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    /** A registered route; exactly one of {@code handler} and {@code socket} is set. */
    public record Route(String method, String pattern, Handler handler, WebSocketEndpoint socket, String[] segments) {
        Route(String method, String pattern, Handler handler, WebSocketEndpoint socket) {
            this(method, pattern, handler, socket, pattern.substring(1).split("/", -1)); // split once, not per request
        }
    }

    /**
     * A cheap check of a request on the network thread, before it is handed to its handler (no
     * database, no blocking): null to go on, or the refusal to answer at once. For floods and
     * storms of requests that can be judged from the request alone.
     */
    @FunctionalInterface
    public interface Precheck {
        io.stentor.error.StentorException check(ApiRequest request);
    }

    /** The route chosen for a request, with its path parameters. */
    public record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Precheck> prechecks = new HashMap<>();

    public Router get(String pattern, Handler h) {
        return add("GET", pattern, h);
    }

    public Router post(String pattern, Handler h) {
        return add("POST", pattern, h);
    }

    public Router put(String pattern, Handler h) {
        return add("PUT", pattern, h);
    }

    public Router patch(String pattern, Handler h) {
        return add("PATCH", pattern, h);
    }

    public Router delete(String pattern, Handler h) {
        return add("DELETE", pattern, h);
    }

    /** Adds a {@link Precheck} to the GET route (or WebSocket) registered under {@code pattern}. */
    public Router precheck(String pattern, Precheck check) {
        prechecks.put(pattern, check);
        return this;
    }

    /** The route's precheck, or null. */
    public Precheck precheckOf(Route route) {
        return route.method().equals("GET") ? prechecks.get(route.pattern()) : null;
    }

    /** A WebSocket endpoint, reached by a GET with an upgrade. */
    public Router webSocket(String pattern, WebSocketEndpoint endpoint) {
        check("GET", pattern);
        routes.add(new Route("GET", pattern, null, endpoint));
        return this;
    }

    private Router add(String method, String pattern, Handler h) {
        check(method, pattern);
        routes.add(new Route(method, pattern, h, null));
        return this;
    }

    private void check(String method, String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("pattern must start with /: " + pattern);
        }
        for (Route r : routes) {
            if (r.method().equals(method) && r.pattern().equals(pattern)) {
                throw new IllegalArgumentException("duplicate route " + method + " " + pattern);
            }
        }
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The route for this method and path; literal segments win over parameters. */
    public Optional<Match> match(String method, String path) {
        String[] got = segmentsOf(path);
        Match best = null;
        int bestLiterals = -1;
        for (Route r : routes) {
            if (!r.method().equals(method) || got == null || r.segments().length != got.length) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            int literals = matchPath(r, got, params);
            if (literals > bestLiterals) {
                best = new Match(r, params);
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Methods that do have a route at this path (for 405 and its Allow header). */
    public Set<String> allowedMethods(String path) {
        Set<String> out = new TreeSet<>();
        String[] got = segmentsOf(path);
        for (Route r : routes) {
            if (got != null && matchPath(r, got, new HashMap<>()) >= 0) {
                out.add(r.method());
            }
        }
        return out;
    }

    /** A path's segments, or null when it does not start with '/'. */
    private static String[] segmentsOf(String path) {
        return path.startsWith("/") ? path.substring(1).split("/", -1) : null;
    }

    /** Number of literal segments matched, or -1 when the path does not fit. */
    private static int matchPath(Route r, String[] got, Map<String, String> params) {
        String[] want = r.segments();
        if (want.length != got.length) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < want.length; i++) {
            String w = want[i];
            if (w.startsWith("{") && w.endsWith("}")) {
                if (got[i].isEmpty()) {
                    return -1;
                }
                params.put(w.substring(1, w.length() - 1), got[i]);
            } else if (w.equals(got[i])) {
                literals++;
            } else {
                return -1;
            }
        }
        return literals;
    }
}
