package io.stentor.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.media.MixOutput;
import io.stentor.media.SpaceRelay;
import io.stentor.server.Json;
import io.stentor.space.SpaceEvent;
import io.stentor.space.SpaceObserver;
import java.nio.charset.StandardCharsets;

/**
 * The origin's side of the relay: every mixed frame of every live space goes out on the space's
 * frames subject, and its start, end and removals on its events subject. Publishing is a copy
 * into the NATS client's buffer, the same for 0 or 1,000 edge listeners; while NATS is away,
 * frames are dropped and counted (live audio is useless late). Called on mixer threads and
 * event-publishing threads; thread-safe.
 */
final class FramePublisher implements SpaceRelay, SpaceObserver {

    private final NatsLink nats;
    private final ClusterSubjects subjects;
    private final Counter published;
    private final Counter dropped;

    FramePublisher(NatsLink nats, ClusterSubjects subjects, MeterRegistry registry) {
        this.nats = nats;
        this.subjects = subjects;
        this.published = Counter.builder("stentor.cluster.frames").tag("outcome", "published")
                .description("Mixed frames published on NATS (origin), received from it (edge), or dropped").register(registry);
        this.dropped = Counter.builder("stentor.cluster.frames").tag("outcome", "publish_dropped").register(registry);
    }

    @Override
    public MixOutput publisher(String spaceId) {
        String subject = subjects.frames(spaceId);
        return (sequence, captureMicros, arrivalNanos, packet, length) -> {
            if (nats.connected() && nats.publish(subject, RelayFrames.encode(sequence, captureMicros, packet, length))) {
                published.increment();
            } else {
                dropped.increment();
            }
        };
    }

    @Override
    public void onEvent(String spaceId, SpaceEvent event) {
        RelayEvent e = switch (event) {
            case SpaceEvent.StateChanged sc when sc.change().equals("started") -> new RelayEvent(RelayEvent.STARTED, spaceId, null);
            case SpaceEvent.StateChanged sc when sc.change().equals("ended") -> new RelayEvent(RelayEvent.ENDED, spaceId, null);
            case SpaceEvent.Removed r -> new RelayEvent(RelayEvent.REMOVED, spaceId, r.user().id());
            default -> null;
        };
        // NATS away: the event is lost; an edge then learns of the end from the database once the frames stop.
        if (e != null) {
            nats.publish(subjects.events(spaceId), Json.writeString(e).getBytes(StandardCharsets.UTF_8));
        }
    }
}
