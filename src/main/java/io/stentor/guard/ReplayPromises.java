package io.stentor.guard;

import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The people told "the replay will be published" when a space was live for a small audience only;
 * each gets a notification when it is. Bounded: at most {@code MAX_PER_SPACE} people per space are
 * remembered (beyond, they are still told, and the replay is on the space's page). Thread-safe.
 */
public final class ReplayPromises {

    static final int MAX_PER_SPACE = 1_000_000;

    private final Notifier notifier;
    private final Map<String, Set<String>> waiting = new ConcurrentHashMap<>();

    public ReplayPromises(Notifier notifier) {
        this.notifier = notifier;
    }

    /** Remembers to tell {@code userId} when the replay of {@code spaceId} is published. */
    public void promise(String spaceId, String userId) {
        Set<String> users = waiting.computeIfAbsent(spaceId, k -> ConcurrentHashMap.newKeySet());
        if (users.size() < MAX_PER_SPACE) {
            users.add(userId);
        }
    }

    /** The replay is public: everyone promised is notified, once. */
    public void published(String spaceId) {
        Set<String> users = waiting.remove(spaceId);
        if (users != null && !users.isEmpty()) {
            notifier.notify(List.copyOf(users), Notification.Kind.REPLAY_PUBLISHED, spaceId,
                    "The replay you could not hear live is published.");
        }
    }
}
