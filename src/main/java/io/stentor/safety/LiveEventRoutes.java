package io.stentor.safety;

import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import io.stentor.space.Space;
import java.util.Map;

/**
 * The live-events API (DSA Art 34/35): a space's broadcast delay and event risk record, and the
 * moderators' cut, kill switch and list of events. Shapes are in docs/openapi.yaml.
 */
public final class LiveEventRoutes {

    /** {@code PUT .../broadcast-delay}: seconds as a JSON number (whole, 0-30). */
    record DelayBody(Double seconds) {
    }

    /** The delay as set. */
    record DelayView(String spaceId, int broadcastDelaySeconds) {
    }

    /** {@code POST .../kill}: why (for the audit log). */
    record KillBody(String reason) {
    }

    /** {@code PUT .../risk-record}. */
    record RiskRecordBody(Double expectedAudience, String measures) {
    }

    private final LiveEvents live;

    public LiveEventRoutes(LiveEvents live) {
        this.live = live;
    }

    public void register(Router r) {
        r.put("/api/v1/spaces/{id}/broadcast-delay", req -> {
            var caller = req.requireCaller();
            Space s = live.broadcastDelay(caller, req.param("id"), req.body(DelayBody.class).seconds());
            return ApiResponse.ok(new DelayView(s.id(), s.broadcastDelaySeconds()));
        });
        r.post("/api/v1/moderation/spaces/{id}/cut", req -> ApiResponse.ok(live.cut(req.requireCaller(), req.param("id"))));
        r.post("/api/v1/moderation/spaces/{id}/kill", req -> {
            var caller = req.requireCaller();
            return ApiResponse.ok(live.kill(caller, req.param("id"), req.body(KillBody.class).reason()));
        });
        r.put("/api/v1/spaces/{id}/risk-record", req -> {
            var caller = req.requireCaller();
            RiskRecordBody b = req.body(RiskRecordBody.class);
            return ApiResponse.ok(live.saveRiskRecord(caller, req.param("id"), b.expectedAudience(), b.measures()));
        });
        r.get("/api/v1/spaces/{id}/risk-record", req -> ApiResponse.ok(live.riskRecord(req.requireCaller(), req.param("id"))));
        r.get("/api/v1/moderation/events", req -> {
            var caller = req.requireCaller();
            return ApiResponse.ok(Map.of("riskRecordAudience", live.riskRecordAudience(),
                    "events", live.events(caller, req.queryInt("limit", 100, 1, 500))));
        });
    }
}
