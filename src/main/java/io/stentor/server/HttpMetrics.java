package io.stentor.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times HTTP requests by route pattern, method and status ({@code stentor_http_requests_seconds}).
 * Each timer is looked up in the registry once and kept: a join storm records thousands a second.
 */
final class HttpMetrics {

    private record Key(String route, String method, int status) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS", "INVALID"); // INVALID: a request line that could not be parsed

    void record(String route, String method, int status, long nanos) {
        // Any other method a client makes up counts as OTHER: no series (or map entry) per invented name.
        String m = METHODS.contains(method) ? method : "OTHER";
        timers.computeIfAbsent(new Key(route, m, status), k -> Timer.builder("stentor.http.requests")
                .description("HTTP requests by route pattern, method and status")
                .tag("route", k.route()).tag("method", k.method()).tag("status", Integer.toString(k.status()))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
