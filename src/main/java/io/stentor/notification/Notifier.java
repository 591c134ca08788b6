package io.stentor.notification;

import io.stentor.event.EventSink;
import io.stentor.event.EventTopics;
import io.stentor.server.Json;
import io.stentor.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;


/**
 * Tells users about things: stores a notification for each (the in-app list) and pushes it at once
 * to their live events stream when they are connected. Blocking (database); thread-safe.
 */
public final class Notifier {

    /** A notification as pushed on the user stream. */
    record Pushed(String type, Notification notification) {
    }

    private final NotificationRepository repo;
    private final EventTopics userTopics = new EventTopics();
    private final Clock clock;

    public Notifier(org.jdbi.v3.core.Jdbi jdbi, Clock clock) {
        this.repo = new NotificationRepository(jdbi);
        this.clock = clock;
    }

    public void notify(Collection<String> userIds, Notification.Kind kind, String spaceId, String message) {
        if (userIds.isEmpty()) {
            return;
        }
        List<Notification> rows = new ArrayList<>(userIds.size());
        for (int i = 0; i < userIds.size(); i++) {
            rows.add(new Notification(Ids.next(), kind, spaceId, message, clock.instant(), null));
        }
        repo.insertAll(userIds, rows);
        int i = 0;
        for (String userId : userIds) {
            Notification n = rows.get(i++);
            if (userTopics.subscribers(userId) > 0) {
                userTopics.publish(userId, Json.write(new Pushed("notification", n)));
            }
        }
    }

    public AutoCloseable subscribe(String userId, EventSink sink) {
        return userTopics.subscribe(userId, sink);
    }

    /** Pushes a message to one user's live stream only (nothing stored). */
    public void push(String userId, Object message) {
        if (userTopics.subscribers(userId) > 0) {
            userTopics.publish(userId, Json.write(message));
        }
    }

    List<Notification> list(String userId, int limit) {
        return repo.list(userId, limit);
    }

    int unread(String userId) {
        return repo.unreadCount(userId);
    }

    void markAllRead(String userId) {
        repo.markAllRead(userId, clock.instant());
    }
}
