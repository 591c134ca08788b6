package io.stentor.guard;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.util.Locale;

/** The operator's view of the guard: {@code GET/PUT /api/v1/admin/guard} (admins only). */
public final class GuardRoutes {

    /** What an admin sees: the load state and the admission figures. */
    record GuardView(LoadMonitor.Status load, int waiting, double admissionsPerSecond) {
    }

    /** Force a state, or {@code auto} to measure again. */
    record ForceBody(String state) {
    }

    private final LoadMonitor monitor;
    private final Admission admission;

    public GuardRoutes(LoadMonitor monitor, Admission admission) {
        this.monitor = monitor;
        this.admission = admission;
    }

    public void register(Router r) {
        r.get("/api/v1/admin/guard", req -> {
            requireAdmin(req);
            return ApiResponse.ok(view());
        });
        r.put("/api/v1/admin/guard", req -> {
            requireAdmin(req);
            String s = req.body(ForceBody.class).state();
            if ("auto".equals(s)) {
                monitor.force(null);
            } else {
                monitor.force(parse(s));
            }
            return ApiResponse.ok(view());
        });
    }

    private GuardView view() {
        return new GuardView(monitor.status(), admission.waiting(), admission.rate());
    }

    private static GuardState parse(String s) {
        for (GuardState g : GuardState.values()) {
            if (g.label().equals(s == null ? "" : s.toLowerCase(Locale.ROOT))) {
                return g;
            }
        }
        throw StentorException.badRequest("invalid_state", "state is one of auto, normal, constrained, critical.");
    }

    private static void requireAdmin(ApiRequest req) {
        Caller c = req.requireCaller();
        if (!c.isAdmin()) {
            throw StentorException.forbidden("admin_only", "Only an admin may see or force the guard's state.");
        }
    }
}
