package io.stentor.space;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.event.HeldSink;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import io.stentor.server.WebSocketEndpoint;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** HTTP API for spaces, their stage and their live events, under {@code /api/v1/spaces}. */
public final class SpaceRoutes {

    record RescheduleBody(Instant scheduledStart) {
    }

    record ReactionBody(String emoji) {
    }

    record InviteBody(String handle, StageRole role) {
    }

    record RoleBody(StageRole role) {
    }

    record BlockBody(String handle) {
    }

    private final SpaceService spaces;
    private final StageService stage;
    private final int listLimit;
    private final AtomicLong anonymousIds = new AtomicLong();

    public SpaceRoutes(SpaceService spaces, StageService stage, int listLimit) {
        this.spaces = spaces;
        this.stage = stage;
        this.listLimit = listLimit;
    }

    public void register(Router r) {
        String base = "/api/v1/spaces";
        String one = base + "/{id}";
        r.post(base, this::create);
        r.get(base, this::list);
        r.get(one, req -> ApiResponse.ok(spaces.detail(req.param("id"), req.caller())));
        r.patch(one, req -> {
            Caller caller = req.requireCaller();
            return ApiResponse.ok(view(spaces.edit(caller, req.param("id"), req.body(SpaceService.SpaceEdit.class))));
        });
        r.post(one + "/reschedule", req -> {
            Caller caller = req.requireCaller();
            return ApiResponse.ok(view(spaces.reschedule(caller, req.param("id"),
                    req.body(RescheduleBody.class).scheduledStart())));
        });
        r.post(one + "/start", req -> ApiResponse.ok(view(spaces.start(req.requireCaller(), req.param("id")))));
        r.post(one + "/end", req -> ApiResponse.ok(view(spaces.end(req.requireCaller(), req.param("id")))));
        r.post(one + "/cancel", req -> ApiResponse.ok(view(spaces.cancel(req.requireCaller(), req.param("id")))));
        r.post(one + "/follow", req -> done(() -> spaces.follow(req.requireCaller(), req.param("id"))));
        r.delete(one + "/follow", req -> done(() -> spaces.unfollow(req.requireCaller(), req.param("id"))));

        r.post(one + "/leave", req -> done(() -> stage.leave(req.requireCaller(), req.param("id"))));
        r.post(one + "/reactions", req -> {
            Caller caller = req.requireCaller();
            stage.react(caller, req.param("id"), req.body(ReactionBody.class).emoji());
            return ApiResponse.status(202, Map.of("accepted", true));
        });

        r.post(one + "/requests", req -> done(() -> stage.requestToSpeak(req.requireCaller(), req.param("id"))));
        r.delete(one + "/requests", req -> done(() -> stage.withdrawRequest(req.requireCaller(), req.param("id"))));
        r.post(one + "/requests/{handle}/accept", req -> done(() ->
                stage.acceptRequest(req.requireCaller(), req.param("id"), req.param("handle"))));
        r.post(one + "/requests/{handle}/deny", req -> done(() ->
                stage.denyRequest(req.requireCaller(), req.param("id"), req.param("handle"))));

        r.post(one + "/invites", req -> {
            Caller caller = req.requireCaller();
            InviteBody b = req.body(InviteBody.class);
            stage.invite(caller, req.param("id"), required(b.handle(), "handle"), b.role());
            return ApiResponse.noContent();
        });
        r.post(one + "/invites/accept", req -> done(() -> stage.acceptInvite(req.requireCaller(), req.param("id"))));
        r.post(one + "/invites/decline", req -> done(() -> stage.declineInvite(req.requireCaller(), req.param("id"))));

        r.put(one + "/stage/{handle}/role", req -> {
            Caller caller = req.requireCaller();
            stage.setRole(caller, req.param("id"), req.param("handle"), req.body(RoleBody.class).role());
            return ApiResponse.noContent();
        });
        r.post(one + "/stage/{handle}/mute", req -> done(() ->
                stage.mute(req.requireCaller(), req.param("id"), req.param("handle"))));
        r.post(one + "/stage/{handle}/unmute", req -> done(() ->
                stage.unmute(req.requireCaller(), req.param("id"), req.param("handle"))));
        r.post(one + "/stage/{handle}/audience", req -> done(() ->
                stage.moveToAudience(req.requireCaller(), req.param("id"), req.param("handle"))));

        r.post(one + "/blocks", req -> {
            Caller caller = req.requireCaller();
            stage.block(caller, req.param("id"), required(req.body(BlockBody.class).handle(), "handle"));
            return ApiResponse.noContent();
        });
        r.delete(one + "/blocks/{handle}", req -> done(() ->
                stage.unblock(req.requireCaller(), req.param("id"), req.param("handle"))));

        r.webSocket(one + "/events", this::openEvents);
    }

    private ApiResponse create(ApiRequest req) {
        Caller caller = req.requireCaller();
        Space s = spaces.create(caller, req.body(SpaceService.NewSpace.class));
        return ApiResponse.created(spaces.detail(s.id(), Optional.of(caller))).header("Location", "/api/v1/spaces/" + s.id());
    }

    private ApiResponse list(ApiRequest req) {
        Optional<SpaceState> state = req.query("state").map(v -> {
            try {
                return SpaceState.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw StentorException.badRequest("invalid_query", "state is one of: scheduled, live, ended, cancelled.");
            }
        });
        int limit = req.queryInt("limit", Math.min(50, listLimit), 1, listLimit);
        return ApiResponse.ok(Map.of("spaces", spaces.list(state, req.query("host"), limit)));
    }

    /**
     * The events stream. Anyone may watch a space's events. An anonymous watcher counts as a
     * listener while connected (from before the start, if it connected early); a signed-in user
     * counts from {@code join} to {@code leave} (or the end), however many connections they hold.
     */
    private WebSocketEndpoint.Session openEvents(ApiRequest req, WebSocketEndpoint.Peer peer) {
        String spaceId = req.param("id");
        Optional<Caller> caller = req.caller();
        Space s = spaces.get(spaceId);
        if (caller.isPresent() && spaces.repo.isBlocked(spaceId, caller.get().userId())) {
            throw StentorException.forbidden("blocked", "You were removed from this space.");
        }
        String connection = "events:" + anonymousIds.incrementAndGet();
        String anonKey = StageService.anonymousListener(req.query("listener"), connection);
        // Subscribe before reading the snapshot; events published meanwhile are held and sent after it.
        HeldSink held = new HeldSink(peer::send);
        AutoCloseable sub = spaces.hub.subscribe(spaceId, held);
        byte[] snapshot;
        try {
            snapshot = SpaceEventHub.encode(spaces.snapshot(spaceId));
        } catch (RuntimeException e) {
            close(sub);
            throw e;
        }
        return new WebSocketEndpoint.Session() {
            @Override
            public void onOpen() {
                held.release(snapshot);
                if (caller.isEmpty() && s.state().isActive()) {
                    stage.addListener(spaceId, anonKey, connection);
                }
            }

            @Override
            public void onClose() {
                close(sub);
                if (caller.isEmpty()) {
                    stage.removeListener(spaceId, anonKey, connection);
                }
            }
        };
    }

    private static void close(AutoCloseable subscription) {
        try {
            subscription.close();
        } catch (Exception ignored) {
            // removing from a concurrent set cannot fail
        }
    }

    private SpaceViews.SpaceView view(Space s) {
        return spaces.views.space(s);
    }

    private static ApiResponse done(Runnable action) {
        action.run();
        return ApiResponse.noContent();
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw StentorException.badRequest("invalid_field", "Field '" + field + "' is required.");
        }
        return value;
    }
}
