package io.stentor.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.stentor.error.StentorException;
import io.stentor.media.ListenerOutputs;
import io.stentor.media.MediaPlane;
import io.stentor.media.SpaceRelay;
import io.stentor.server.Json;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's side of the relay: a space is subscribed when its first listener (or HLS request)
 * asks for it (the shared database says whether it is live), and unsubscribed a moment after its
 * last listener left and its last HLS request came. Its end (an event from the origin, or the
 * database once its frames stop) closes its listeners with 1000. Thread-safe.
 */
final class EdgeSubscriptions implements SpaceRelay, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeSubscriptions.class);
    /** How long a space with no listener stays subscribed: a reconnecting listener finds it still running. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * How long a space stays subscribed after its last HLS request: longer than a player waits
     * between requests (a part with blocking reload, at most a target duration without).
     */
    private static final long HLS_LINGER_NANOS = TimeUnit.SECONDS.toNanos(6);
    /** Frames silent this long: ask the database whether the space ended while we could not hear it. */
    private static final long SILENT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** One subscribed space. */
    private record Entry(EdgeSubscription relay, Subscription subscription) {
    }

    private final MediaPlane media;
    private final SpaceService spaces;
    private final ClusterSubjects subjects;
    private final RelayCounters counters;
    /** Delivers every space's frames, on one thread; null until NATS is first reached. */
    private volatile Dispatcher frames;
    private final Map<String, Entry> subscribed = new HashMap<>(); // guarded by this
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stentor-edge-sweeper");
        t.setDaemon(true);
        return t;
    });

    EdgeSubscriptions(NatsLink nats, ClusterSubjects subjects, MediaPlane media, SpaceService spaces, MeterRegistry registry) {
        this.media = media;
        this.spaces = spaces;
        this.subjects = subjects;
        this.counters = new RelayCounters(registry);
        nats.whenConnected(c -> {
            c.createDispatcher(this::onEvent).subscribe(subjects.allEvents());
            // One thread delivers every space's frames in order; a frame costs a few queued tasks, not socket writes.
            frames = c.createDispatcher();
        });
        Gauge.builder("stentor.cluster.subscriptions", this, EdgeSubscriptions::size)
                .description("Spaces this edge is subscribed to now").register(registry);
        sweeper.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<ListenerOutputs> relayed(String spaceId) {
        return attach(spaceId, false);
    }

    @Override
    public Optional<ListenerOutputs> relayedForHls(String spaceId) {
        return attach(spaceId, true);
    }

    private Optional<ListenerOutputs> attach(String spaceId, boolean hls) {
        if (frames == null) {
            return Optional.empty(); // NATS never reached yet: nothing to relay (503 media_unavailable)
        }
        synchronized (this) {
            Entry e = subscribed.get(spaceId);
            if (e != null) {
                return Optional.of(hls ? e.relay().handOutToHls() : e.relay().handOut());
            }
        }
        Optional<Space> live = liveSpace(spaceId); // outside the lock: a database read
        if (live.isEmpty()) {
            return Optional.empty();
        }
        synchronized (this) {
            Entry e = subscribed.get(spaceId);
            if (e == null) {
                EdgeSubscription relay = new EdgeSubscription(media.newRelayOutputs(spaceId, live.get().title()), counters);
                e = new Entry(relay, frames.subscribe(subjects.frames(spaceId), relay));
                subscribed.put(spaceId, e);
                LOG.info("edge: subscribed to space {} (for {})", spaceId, hls ? "HLS" : "a listener");
            }
            return Optional.of(hls ? e.relay().handOutToHls() : e.relay().handOut());
        }
    }

    private Optional<Space> liveSpace(String spaceId) {
        try {
            return Optional.of(spaces.get(spaceId)).filter(s -> s.state() == SpaceState.LIVE);
        } catch (StentorException notFound) {
            return Optional.empty();
        }
    }

    private void onEvent(Message msg) {
        RelayEvent e;
        try {
            e = Json.read(msg.getData(), RelayEvent.class);
        } catch (RuntimeException bad) {
            counters.malformed.increment();
            return;
        }
        if (RelayEvent.ENDED.equals(e.type())) {
            drop(e.spaceId(), true);
        } else if (RelayEvent.REMOVED.equals(e.type()) && e.userId() != null) {
            Entry entry;
            synchronized (this) {
                entry = subscribed.get(e.spaceId());
            }
            if (entry != null) {
                entry.relay().outputs.kick(e.userId());
            }
        }
    }

    /** Unsubscribes idle spaces, and ends those whose frames stopped because the space ended. */
    private void sweep() {
        long now = System.nanoTime();
        List<Map.Entry<String, Entry>> all;
        synchronized (this) {
            all = List.copyOf(subscribed.entrySet());
        }
        for (var e : all) {
            if (e.getValue().relay().idleFor(LINGER_NANOS, HLS_LINGER_NANOS, now)) {
                drop(e.getKey(), false);
            } else if (now - e.getValue().relay().lastFrameNanos() > SILENT_NANOS) {
                try {
                    if (liveSpace(e.getKey()).isEmpty()) {
                        drop(e.getKey(), true);
                    }
                } catch (RuntimeException dbDown) {
                    LOG.warn("edge: could not check space {}: {}", e.getKey(), dbDown.toString());
                }
            }
        }
    }

    private void drop(String spaceId, boolean ended) {
        Entry e;
        synchronized (this) {
            e = subscribed.remove(spaceId);
            if (e == null) {
                return;
            }
            if (ended || e.relay().idleFor(LINGER_NANOS, HLS_LINGER_NANOS, System.nanoTime())) {
                frames.unsubscribe(e.subscription());
            } else {
                subscribed.put(spaceId, e); // a listener came back meanwhile
                return;
            }
        }
        media.closeRelayOutputs(e.relay().outputs, ended);
        LOG.info("edge: unsubscribed from space {} ({})", spaceId, ended ? "it ended" : "no listener nor HLS request left");
    }

    synchronized int size() {
        return subscribed.size();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
