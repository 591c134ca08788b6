package io.stentor.notification;

import io.stentor.account.Caller;
import io.stentor.server.ApiResponse;
import io.stentor.server.Json;
import io.stentor.server.Router;
import io.stentor.server.WebSocketEndpoint;
import java.util.Map;

/** The caller's notifications list and their live events stream ({@code /api/v1/me/events}). */
public final class NotificationRoutes {

    /** The inbox: newest first, with how many are unread. */
    record Inbox(java.util.List<Notification> notifications, int unread) {
    }

    /** First message of the user stream. */
    record Hello(String type, io.stentor.account.User user) {
    }

    private final Notifier notifier;

    public NotificationRoutes(Notifier notifier) {
        this.notifier = notifier;
    }

    public void register(Router r) {
        r.get("/api/v1/me/notifications", req -> {
            Caller c = req.requireCaller();
            int limit = req.queryInt("limit", 50, 1, 500);
            return ApiResponse.ok(new Inbox(notifier.list(c.userId(), limit), notifier.unread(c.userId())));
        });
        r.post("/api/v1/me/notifications/read", req -> {
            notifier.markAllRead(req.requireCaller().userId());
            return ApiResponse.noContent();
        });
        r.webSocket("/api/v1/me/events", (req, peer) -> {
            Caller c = req.requireCaller();
            return new WebSocketEndpoint.Session() {
                private AutoCloseable sub;

                @Override
                public void onOpen() {
                    sub = notifier.subscribe(c.userId(), peer::send);
                    peer.send(Json.write(new Hello("hello", c.user())));
                }

                @Override
                public void onClose() {
                    if (sub != null) {
                        try {
                            sub.close();
                        } catch (Exception ignored) {
                            // removing from a concurrent set cannot fail
                        }
                    }
                }
            };
        });
    }
}
