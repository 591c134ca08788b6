package io.stentor.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Counts and times HTTP requests by route pattern, method and status ({@code stentor_http_requests_seconds}). */
final class HttpMetrics {

    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String route, String method, int status, long nanos) {
        Timer.builder("stentor.http.requests")
                .description("HTTP requests by route pattern, method and status")
                .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
