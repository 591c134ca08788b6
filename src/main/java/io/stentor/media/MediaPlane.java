package io.stentor.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.Channel;
import io.stentor.config.StentorConfig;
import io.stentor.media.codec.OpusCodec;
import io.stentor.media.ogg.OggOpusStream;
import io.stentor.media.ogg.OpusTags;
import io.stentor.space.RecordingPolicy;
import io.stentor.space.Space;
import io.stentor.space.SpaceEvent;
import io.stentor.space.SpaceObserver;
import io.stentor.space.SpaceService;
import io.stentor.space.StageMember;
import io.stentor.space.SpaceViews;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media plane of a node: one {@link LiveSpace} per live space, started and stopped by following
 * the spaces' events, its stage gate kept in step with the control plane, and the counters every
 * media step reports to. Thread-safe.
 */
public final class MediaPlane implements SpaceObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MediaPlane.class);

    final StentorConfig.Media cfg;
    final ScheduledExecutorService clockThreads;
    final MediaStage ingestStage;
    final MediaStage jitterStage;
    final MediaStage mixStage;
    final MediaStage forwardStage;
    final MediaStage wsStage;
    final MediaStage oggStage;
    final MediaStage recorderStage;
    final Timer serverLatency;
    private final Counter slowDisconnects;
    private final OpusCodec codec;
    private final SpaceService spaces;
    private final RecordingRepository recordings;
    private final Clock clock;
    private final List<java.util.function.Consumer<String>> replayListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, LiveSpace> live = new ConcurrentHashMap<>();
    final io.stentor.media.hls.HlsTier hls;

    public MediaPlane(StentorConfig.Media cfg, SpaceService spaces, org.jdbi.v3.core.Jdbi jdbi, MeterRegistry registry,
            Clock clock) {
        this.cfg = cfg;
        this.spaces = spaces;
        this.clock = clock;
        this.recordings = new RecordingRepository(jdbi);
        this.codec = OpusCodec.select(cfg.codec());
        this.hls = new io.stentor.media.hls.HlsTier(new io.stentor.media.hls.HlsLayout(cfg.hlsSegmentFrames(),
                cfg.hlsPartFrames(), cfg.hlsWindowSegments(), cfg.bitrate()), Recorder.PRE_SKIP,
                id -> spaces.get(id).startedAt());
        int threads = cfg.clockThreads() > 0 ? cfg.clockThreads() : Runtime.getRuntime().availableProcessors();
        this.clockThreads = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "stentor-media-clock");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        this.ingestStage = new MediaStage("ingest", registry);
        this.jitterStage = new MediaStage("jitter", registry);
        this.mixStage = new MediaStage("mix", registry);
        this.forwardStage = new MediaStage("forward", registry);
        this.wsStage = new MediaStage("fanout_ws", registry);
        this.oggStage = new MediaStage("fanout_ogg", registry);
        this.recorderStage = new MediaStage("recorder", registry);
        this.serverLatency = Timer.builder("stentor.media.server.latency")
                .description("Server-added latency: audio reaching the server until its mix is written to listeners")
                .publishPercentiles(0.5, 0.99, 0.999).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
        this.slowDisconnects = Counter.builder("stentor.media.listeners.disconnected").tag("reason", "slow")
                .description("Listeners cut off for staying behind").register(registry);
        Gauge.builder("stentor.media.live.spaces", live, Map::size).description("Spaces with a running mixer")
                .register(registry);
        Gauge.builder("stentor.media.listeners", this, p -> p.listeners("ws")).tag("tier", "websocket")
                .register(registry);
        Gauge.builder("stentor.media.listeners", this, p -> p.listeners("ogg")).tag("tier", "http_ogg")
                .register(registry);
        Gauge.builder("stentor.media.flush.frames", this, MediaPlane::flushEvery)
                .description("Frames coalesced per socket write on the WebSocket tier").register(registry);
        LOG.info("media plane: Opus codec {}", codec.name());
        spaces.events().observe(this);
        spaces.replays(recordings);
    }

    /** Starts mixers for spaces that were live when the server stopped. */
    public void resumeLiveSpaces() {
        for (Space s : spaces.live()) {
            open(s);
        }
    }

    @Override
    public void onEvent(String spaceId, SpaceEvent event) {
        switch (event) {
            case SpaceEvent.StateChanged sc when sc.change().equals("started") -> open(spaces.get(spaceId));
            case SpaceEvent.StateChanged sc when sc.change().equals("ended") -> end(spaceId);
            case SpaceEvent.StageChanged st -> stage(spaceId, st.stage());
            case SpaceEvent.Removed r -> live(spaceId).ifPresent(ls -> ls.kick(r.user().id()));
            default -> {
            }
        }
    }

    private void open(Space s) {
        live.computeIfAbsent(s.id(), id -> {
            Path file = cfg.recordingsDir().resolve(id + ".opus");
            recordings.started(id, file, clock.instant());
            Recorder recorder = Recorder.open(file, s.title(), cfg.recorderPageFrames(), recorderStage);
            OggOpusStream liveOgg = new OggOpusStream(ThreadLocalRandom.current().nextInt(), Recorder.PRE_SKIP,
                    new OpusTags("Stentor", List.of("TITLE=" + s.title())));
            LiveSpace ls = new LiveSpace(id, s.title(), this, codec.newEncoder(cfg.bitrate()), liveOgg, recorder,
                    levels -> spaces.events().publishLevels(id, levels));
            ls.stageChanged(seats(spaces.stage(id)));
            ls.start(clockThreads);
            LOG.info("space {} is live: mixing and recording to {}", id, file);
            return ls;
        });
    }

    private void end(String spaceId) {
        LiveSpace ls = live.remove(spaceId);
        if (ls == null) {
            return;
        }
        Recorder.Result r = ls.close(true);
        boolean publish = spaces.get(spaceId).recordingPolicy() == RecordingPolicy.PUBLISH_IMMEDIATELY;
        recordings.finished(spaceId, r, publish, clock.instant());
        if (publish) {
            replayPublished(spaceId);
        }
        LOG.info("space {} ended: recording of {} ms, {} bytes, {}", spaceId, r.durationMillis(), r.bytes(),
                publish ? "published" : "held until published");
    }

    private void stage(String spaceId, List<SpaceViews.StageMemberView> stage) {
        LiveSpace ls = live.get(spaceId);
        if (ls != null) {
            Map<String, LiveSpace.StageSeat> seats = new HashMap<>();
            stage.forEach(m -> seats.put(m.user().id(), new LiveSpace.StageSeat(m.user().handle(), m.muted())));
            ls.stageChanged(seats);
        }
    }

    private Map<String, LiveSpace.StageSeat> seats(List<StageMember> stage) {
        Map<String, LiveSpace.StageSeat> seats = new HashMap<>();
        Map<String, String> handles = spaces.stageHandles(stage);
        stage.forEach(m -> seats.put(m.userId(), new LiveSpace.StageSeat(handles.get(m.userId()), m.muted())));
        return seats;
    }

    /** Runs {@code listener} with the space's id whenever a replay becomes public. */
    public void onReplayPublished(java.util.function.Consumer<String> listener) {
        replayListeners.add(listener);
    }

    /** Makes a finished recording public and tells whoever waits for it. */
    void publishReplay(String spaceId) {
        recordings.publish(spaceId);
        replayPublished(spaceId);
    }

    private void replayPublished(String spaceId) {
        for (var l : replayListeners) {
            try {
                l.accept(spaceId);
            } catch (RuntimeException e) {
                LOG.warn("telling about the replay of {} failed", spaceId, e);
            }
        }
    }

    Optional<LiveSpace> live(String spaceId) {
        return Optional.ofNullable(live.get(spaceId));
    }

    /** The HLS packagers of the live spaces (the CDN tier). */
    public io.stentor.media.hls.HlsTier hls() {
        return hls;
    }

    OpusCodec codec() {
        return codec;
    }

    /**
     * Takes a space's replay down for everyone (a moderation decision), or puts it back when an
     * appeal reverses that. The file stays. Returns false when the space has no recording.
     */
    public boolean removeReplayByModeration(String spaceId, boolean removed) {
        return recordings().moderationRemoved(spaceId, removed);
    }

    /** Whether the space has a recording (live or finished, not deleted). */
    public boolean hasRecording(String spaceId) {
        return recordings().find(spaceId).filter(r -> r.state() != Recording.State.REMOVED).isPresent();
    }

    RecordingRepository recordings() {
        return recordings;
    }

    SpaceService spaces() {
        return spaces;
    }

    void countSlowDisconnect() {
        slowDisconnects.increment();
    }

    private double listeners(String tier) {
        int n = 0;
        for (LiveSpace ls : live.values()) {
            n += tier.equals("ws") ? ls.webSocket.size() : ls.ogg.size();
        }
        return n;
    }

    /** Bytes queued to listeners' sockets over all live spaces (a signal of the load monitor). */
    public long queuedBytes() {
        long n = 0;
        for (LiveSpace ls : live.values()) {
            n += ls.webSocket.queuedBytes() + ls.ogg.queuedBytes();
        }
        return n;
    }

    /** Listeners on the WebSocket tier over all live spaces. */
    public int webSocketListeners() {
        return (int) listeners("ws");
    }

    /** Listeners on every tier over all live spaces. */
    public int allListeners() {
        return (int) (listeners("ws") + listeners("ogg"));
    }

    private double flushEvery() {
        return live.values().stream().mapToInt(ls -> ls.webSocket.flushEvery()).max().orElse(1);
    }

    /** Adds a WebSocket listener's channel to a live space. */
    boolean listen(String spaceId, Channel ch, String userId, Runnable onGone) {
        LiveSpace ls = live.get(spaceId);
        if (ls == null) {
            return false;
        }
        ls.listenWebSocket(ch, userId, onGone);
        return true;
    }

    @Override
    public void close() {
        // On shutdown the spaces stay live: recordings are left open-ended and resume on the next start.
        List<Channel> speaking = new ArrayList<>();
        for (String id : List.copyOf(live.keySet())) {
            LiveSpace ls = live.remove(id);
            if (ls != null) {
                speaking.addAll(ls.speakerChannels());
                ls.close(false);
            }
        }
        clockThreads.shutdownNow();
        // Speakers answer the close frame (1012: reconnect) and stop sending; closing their sockets
        // before that would reset them and they would see 1006. Bounded: at most 2 s in all.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Channel ch : speaking) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left))) {
                break;
            }
        }
    }
}
