package io.stentor.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stentor.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Operator endpoints ({@code /healthz}, {@code /readyz}, {@code /metrics}), the home page and the API document. */
final class OpsRoutes {

    /** The readiness answer. */
    record Readiness(String status, String database, String load, java.util.List<String> reasons) {
    }

    private final Database db;
    private final PrometheusMeterRegistry registry;
    private final io.stentor.guard.LoadMonitor load;
    private final byte[] openApi = resource("/openapi.yaml");

    OpsRoutes(Database db, PrometheusMeterRegistry registry, io.stentor.guard.LoadMonitor load) {
        this.db = db;
        this.registry = registry;
        this.load = load;
    }

    void register(Router r) {
        r.get("/healthz", req -> ApiResponse.ok(Map.of("status", "ok")));
        r.get("/readyz", req -> {
            var status = load.status();
            try {
                db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            } catch (RuntimeException e) {
                return ApiResponse.status(503, new Readiness("unavailable", "down", status.state(), status.reasons()))
                        .header("Retry-After", "5");
            }
            // Critical: send new people to another node; those here stay on air.
            if (load.state() == io.stentor.guard.GuardState.CRITICAL) {
                return ApiResponse.status(503, new Readiness("overloaded", "ok", status.state(), status.reasons()))
                        .header("Retry-After", "10");
            }
            return ApiResponse.ok(new Readiness("ready", "ok", status.state(), status.reasons()));
        });
        r.get("/metrics", req -> ApiResponse.raw(200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
        r.get("/api/v1/openapi.yaml", req -> ApiResponse.raw(200, "application/yaml; charset=utf-8", openApi)
                .header("Cache-Control", "max-age=60"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                return ("missing resource " + name).getBytes(StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
