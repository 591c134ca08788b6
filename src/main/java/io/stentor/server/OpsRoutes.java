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
    record Readiness(String status, String database) {
    }

    private final Database db;
    private final PrometheusMeterRegistry registry;
    private final byte[] openApi = resource("/openapi.yaml");

    OpsRoutes(Database db, PrometheusMeterRegistry registry) {
        this.db = db;
        this.registry = registry;
    }

    void register(Router r) {
        r.get("/healthz", req -> ApiResponse.ok(Map.of("status", "ok")));
        r.get("/readyz", req -> {
            try {
                db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
                return ApiResponse.ok(new Readiness("ready", "ok"));
            } catch (RuntimeException e) {
                return ApiResponse.status(503, new Readiness("unavailable", "down"))
                        .header("Retry-After", "5");
            }
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
