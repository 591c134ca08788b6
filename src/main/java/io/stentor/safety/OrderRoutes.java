package io.stentor.safety;

import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.util.Map;

/**
 * The register of authority orders (Art 9, 10) and the escalation queue for threats to life or
 * safety (Art 18), under {@code /api/v1/moderation}: moderators and admins only.
 */
public final class OrderRoutes {

    private final Orders orders;
    private final Escalations escalations;

    public OrderRoutes(Orders orders, Escalations escalations) {
        this.orders = orders;
        this.escalations = escalations;
    }

    public void register(Router r) {
        r.post("/api/v1/moderation/orders", req -> ApiResponse.created(
                orders.record(req.requireCaller(), req.body(Orders.OrderBody.class))));
        r.get("/api/v1/moderation/orders", req -> ApiResponse.ok(Map.of("orders",
                orders.list(req.requireCaller(), req.query("state").orElse(null), limit(req)))));
        r.get("/api/v1/moderation/orders/{id}", req -> ApiResponse.ok(orders.get(req.requireCaller(), req.param("id"))));
        r.post("/api/v1/moderation/orders/{id}/acknowledge", req -> ApiResponse.ok(
                orders.acknowledge(req.requireCaller(), req.param("id"))));
        r.post("/api/v1/moderation/orders/{id}/effect", req -> ApiResponse.ok(
                orders.effect(req.requireCaller(), req.param("id"), req.body(Orders.EffectBody.class))));

        r.post("/api/v1/moderation/escalations", req -> ApiResponse.created(
                escalations.escalate(req.requireCaller(), req.body(Escalations.EscalationBody.class))));
        r.get("/api/v1/moderation/escalations", req -> ApiResponse.ok(Map.of("escalations",
                escalations.list(req.requireCaller(), openOnly(req), limit(req)))));
        r.get("/api/v1/moderation/escalations/{id}", req -> ApiResponse.ok(
                escalations.get(req.requireCaller(), req.param("id"))));
        r.post("/api/v1/moderation/escalations/{id}/informed", req -> ApiResponse.ok(
                escalations.informed(req.requireCaller(), req.param("id"), req.body(Escalations.InformedBody.class))));
        r.get("/api/v1/moderation/escalations/{id}/evidence.opus", req -> ApiResponse.file(
                escalations.evidence(req.requireCaller(), req.param("id")), "audio/ogg")
                .header("Cache-Control", "private, no-store"));
    }

    /** {@code ?state=open} (the default: the queue) or {@code all}. */
    private static boolean openOnly(ApiRequest req) {
        String state = req.query("state").orElse("open");
        if (!state.equals("open") && !state.equals("all")) {
            throw io.stentor.error.StentorException.badRequest("invalid_state", "state is open or all.");
        }
        return state.equals("open");
    }

    private static int limit(ApiRequest req) {
        return req.queryInt("limit", 100, 1, 500);
    }
}
