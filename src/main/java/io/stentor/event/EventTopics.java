package io.stentor.event;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscribers grouped by a key (a space id, a user id). A message is encoded once by the caller and
 * the same bytes are handed to every subscriber of its key. Thread-safe; subscribing is O(1), so a
 * join storm does not turn quadratic.
 */
public final class EventTopics {

    private final Map<String, Set<EventSink>> topics = new ConcurrentHashMap<>();

    /** Adds a sink; close the returned handle to remove it. */
    public AutoCloseable subscribe(String key, EventSink sink) {
        topics.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(sink);
        return () -> unsubscribe(key, sink);
    }

    private void unsubscribe(String key, EventSink sink) {
        topics.computeIfPresent(key, (k, sinks) -> {
            sinks.remove(sink);
            return sinks.isEmpty() ? null : sinks;
        });
    }

    public void publish(String key, byte[] utf8Json) {
        Set<EventSink> sinks = topics.get(key);
        if (sinks == null) {
            return;
        }
        for (EventSink s : sinks) {
            s.deliver(utf8Json);
        }
    }

    public int subscribers(String key) {
        Set<EventSink> sinks = topics.get(key);
        return sinks == null ? 0 : sinks.size();
    }

    /** Keys that have at least one subscriber right now. */
    public Set<String> keys() {
        return topics.keySet();
    }
}
