package io.stentor.space;

import io.stentor.event.EventSink;
import io.stentor.event.EventTopics;
import io.stentor.server.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fans out each space's events to its subscribers. Rare events (state, stage, requests) go out at
 * once; the frequent ones a huge audience generates (listener count, reactions) are only counted
 * and sent as one message per space per flush interval, so their cost does not grow with the crowd.
 * Every message is encoded once and the same bytes go to every subscriber. Thread-safe.
 */
public final class SpaceEventHub implements AutoCloseable {

    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = Json.MAPPER.writerFor(SpaceEvent.class);

    private final EventTopics topics = new EventTopics();
    private final java.util.List<SpaceObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Audience audience;
    private final Set<String> audienceDirty = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, LongAdder>> reactions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stentor-event-flush");
        t.setDaemon(true);
        return t;
    });

    public SpaceEventHub(Audience audience, Duration flushInterval) {
        this.audience = audience;
        long ms = flushInterval.toMillis();
        flusher.scheduleAtFixedRate(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    public AutoCloseable subscribe(String spaceId, EventSink sink) {
        return topics.subscribe(spaceId, sink);
    }

    /** Adds an in-process observer that sees every event before clients do. */
    public void observe(SpaceObserver observer) {
        observers.add(observer);
    }

    void publish(String spaceId, SpaceEvent event) {
        tellObservers(spaceId, event);
        broadcast(spaceId, event);
    }

    /** In-process observers only (e.g. the media plane), before clients hear anything. */
    void tellObservers(String spaceId, SpaceEvent event) {
        for (SpaceObserver o : observers) {
            try {
                o.onEvent(spaceId, event);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SpaceEventHub.class).error("space observer failed", e);
            }
        }
    }

    /** Clients only. */
    void broadcast(String spaceId, SpaceEvent event) {
        topics.publish(spaceId, encode(event));
    }

    /** Speaking levels from the media plane (a few times a second while anyone speaks). */
    public void publishLevels(String spaceId, java.util.Map<String, Double> levels) {
        topics.publish(spaceId, encode(new SpaceEvent.Levels(levels)));
    }

    static byte[] encode(SpaceEvent event) {
        try {
            return WRITER.writeValueAsBytes(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts a reaction; it reaches clients with the next flush. */
    void react(String spaceId, String emoji) {
        reactions.computeIfAbsent(spaceId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(emoji, k -> new LongAdder()).increment();
    }

    /** Notes that the listener count changed; the new count goes out with the next flush. */
    void audienceChanged(String spaceId) {
        audienceDirty.add(spaceId);
    }

    /** Drops the per-space counters when a space ends. */
    void forget(String spaceId) {
        reactions.remove(spaceId);
        audienceDirty.remove(spaceId);
    }

    private void flush() {
        try {
            for (String spaceId : audienceDirty) {
                audienceDirty.remove(spaceId);
                publish(spaceId, new SpaceEvent.AudienceCount(audience.count(spaceId)));
            }
            reactions.forEach((spaceId, byEmoji) -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                byEmoji.forEach((emoji, adder) -> {
                    long n = adder.sumThenReset();
                    if (n > 0) {
                        counts.put(emoji, n);
                    }
                });
                if (!counts.isEmpty()) {
                    publish(spaceId, new SpaceEvent.Reactions(counts));
                }
            });
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SpaceEventHub.class).warn("event flush failed", e);
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }
}
