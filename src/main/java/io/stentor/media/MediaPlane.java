package io.stentor.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.Channel;
import io.stentor.config.StentorConfig;
import io.stentor.media.codec.OpusCodec;
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
    final MediaStage delayStage;
    final Timer serverLatency;
    /** 20 ms of encoded silence: what airs during a broadcast-delay hold and instead of cut audio. */
    final byte[] silence;
    private final Counter slowDisconnects;
    private final OpusCodec codec;
    private final SpaceService spaces;
    private final RecordingRepository recordings;
    private final Clock clock;
    private final List<java.util.function.Consumer<String>> replayListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, LiveSpace> live = new ConcurrentHashMap<>();
    /** Ended spaces whose listeners still hear what the broadcast delay held (see {@link #end}). */
    private final Map<String, LiveSpace> draining = new ConcurrentHashMap<>();
    /** Every space's listener outputs on this node: of the spaces it mixes and of those relayed to it. */
    private final java.util.Set<ListenerOutputs> outputs = ConcurrentHashMap.newKeySet();
    private volatile SpaceRelay relay = SpaceRelay.NONE;
    private volatile boolean mixes = true;
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
        this.delayStage = new MediaStage("delay", registry);
        this.silence = silence(codec, cfg.bitrate());
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

    /**
     * Makes this node part of a cluster: {@code relay} publishes what it mixes, or brings it spaces
     * it does not mix. A node that does not mix (an edge) opens no mixer and no recording, ever.
     * Call before {@link #resumeLiveSpaces()}.
     */
    public void joinCluster(SpaceRelay relay, boolean mixes) {
        this.relay = relay;
        this.mixes = mixes;
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
            case SpaceEvent.BroadcastDelay d -> live(spaceId).ifPresent(ls -> ls.delaySeconds(d.seconds()));
            default -> {
            }
        }
    }

    private void open(Space s) {
        if (!mixes) {
            return;
        }
        live.computeIfAbsent(s.id(), id -> {
            Path file = cfg.recordingsDir().resolve(id + ".opus");
            recordings.started(id, file, clock.instant());
            Recorder recorder = Recorder.open(file, s.title(), cfg.recorderPageFrames(), recorderStage);
            LiveSpace ls = new LiveSpace(id, s.title(), this, codec.newEncoder(cfg.bitrate()), newOutputs(id, s.title()),
                    recorder, levels -> spaces.events().publishLevels(id, levels), s.broadcastDelaySeconds(),
                    relay.publisher(id));
            ls.stageChanged(seats(spaces.stage(id)));
            ls.start(clockThreads);
            LOG.info("space {} is live: mixing and recording to {}", id, file);
            return ls;
        });
    }

    /**
     * The space ended. Its speakers are let go at once; with a broadcast delay its listeners first
     * hear what the delay still holds (the end of the conversation), then are told it ended.
     */
    private void end(String spaceId) {
        LiveSpace ls = live.remove(spaceId);
        if (ls == null) {
            return;
        }
        long heldMillis = ls.drain();
        if (heldMillis == 0) {
            finish(spaceId, ls);
            return;
        }
        draining.put(spaceId, ls);
        // Off the clock thread when due: finishing writes files and the database.
        clockThreads.schedule(() -> Thread.ofVirtual().start(() -> {
            if (draining.remove(spaceId, ls)) {
                finish(spaceId, ls);
            }
        }), heldMillis, TimeUnit.MILLISECONDS);
    }

    /** Closes an ended space's media and finishes its recording (and replay). */
    private void finish(String spaceId, LiveSpace ls) {
        Recorder.Result r = ls.close(true);
        outputs.remove(ls.outputs);
        writeAiredReplay(spaceId, r); // before publishing: the public never gets the uncut file
        boolean publish = spaces.get(spaceId).recordingPolicy() == RecordingPolicy.PUBLISH_IMMEDIATELY
                && !recordings.find(spaceId).map(Recording::withheld).orElse(false);
        recordings.finished(spaceId, r, publish, clock.instant());
        if (publish) {
            replayPublished(spaceId);
        }
        LOG.info("space {} ended: recording of {} ms, {} bytes, {}", spaceId, r.durationMillis(), r.bytes(),
                publish ? "published" : "held until published");
    }

    // ---- live events (DSA Art 34/35): the cut and the kill switch; the delay follows the space's events

    /**
     * Drops the audio held in the space's broadcast delay before it airs, and marks the range cut
     * on the recording. Empty when nothing was held (no delay, or cut already).
     *
     * @throws io.stentor.error.StentorException (409) when the space is not live on this node
     */
    public Optional<BroadcastCut> cut(String spaceId, String moderatorId) {
        LiveSpace ls = live(spaceId).or(() -> Optional.ofNullable(draining.get(spaceId)))
                .orElseThrow(() -> io.stentor.error.StentorException.conflict("space_not_live",
                        "This space is not live (on this server): there is no broadcast to cut."));
        BroadcastCut cut = ls.cut();
        if (cut == null) {
            return Optional.empty();
        }
        recordings.cut(io.stentor.store.Ids.next(), spaceId, cut, moderatorId, clock.instant());
        LOG.info("space {}: moderator {} cut {} frames ({}..{} ms) before they aired", spaceId, moderatorId,
                cut.frames(), cut.fromMs(), cut.toMs());
        return Optional.of(cut);
    }

    /**
     * The kill switch: closes every listener and speaker of the space at once (close code 4010),
     * drops what the delay held, finishes the recording and withholds it (never published as a
     * replay). The control plane ends the space afterwards. Also stops an ended space whose
     * listeners still hear what the delay held. False if it was not running here.
     */
    public boolean takeOffAir(String spaceId) {
        LiveSpace ls = live.remove(spaceId);
        if (ls == null) {
            ls = draining.remove(spaceId);
        }
        if (ls == null) {
            return false;
        }
        Recorder.Result r = ls.takeOffAir();
        recordings.withhold(spaceId);
        writeAiredReplay(spaceId, r);
        recordings.finished(spaceId, r, false, clock.instant());
        LOG.warn("space {} taken off air by the kill switch: recording of {} ms withheld", spaceId, r.durationMillis());
        return true;
    }

    /** The ranges cut from a space's broadcast (the recording's cut marks). */
    public List<BroadcastCut> cuts(String spaceId) {
        return recordings.cuts(spaceId);
    }

    /**
     * A moderation decision silences a range of a space's replay ({@code cutId} names it, to take it
     * back on appeal). A finished replay is rewritten at once (under new HLS names, so caches never
     * serve the old audio for it); a live space's cut applies when it ends. The recording stays as said.
     */
    public void cutReplay(String spaceId, String cutId, long fromMs, long toMs, String moderatorId) {
        recordings.cut(cutId, spaceId, new BroadcastCut(fromMs, toMs, (int) ((toMs - fromMs) / BroadcastDelay.FRAME_MS)),
                moderatorId, clock.instant());
        rewriteAiredReplay(spaceId);
    }

    /** Takes back a replay cut (its decision was reversed on appeal). */
    public void restoreReplayCut(String spaceId, String cutId) {
        recordings.uncut(cutId);
        rewriteAiredReplay(spaceId);
    }

    private void rewriteAiredReplay(String spaceId) {
        Optional<Recording> rec = recordings.find(spaceId).filter(r -> r.state() == Recording.State.READY);
        if (rec.isEmpty()) {
            return; // live: applied when the space ends
        }
        List<BroadcastCut> cuts = recordings.cuts(spaceId);
        try {
            if (cuts.isEmpty()) {
                recordings.notAired(spaceId);
                if (rec.get().airedFile() != null) {
                    java.nio.file.Files.deleteIfExists(rec.get().airedFile());
                }
            } else {
                recordings.aired(spaceId, AiredReplay.write(rec.get().file(), cuts, silence, cfg.recorderPageFrames()));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** If the broadcast was cut, writes the replay as it aired (cuts silenced); the recording stays as said. */
    private void writeAiredReplay(String spaceId, Recorder.Result r) {
        List<BroadcastCut> cuts = recordings.cuts(spaceId);
        if (cuts.isEmpty()) {
            return;
        }
        try {
            recordings.aired(spaceId, AiredReplay.write(r.file(), cuts, silence, cfg.recorderPageFrames()));
        } catch (java.io.IOException | RuntimeException e) {
            // Never fall back to the uncut file: hold the replay back instead.
            recordings.withhold(spaceId);
            LOG.error("space {}: the replay without its cuts could not be written; the replay is withheld", spaceId, e);
        }
    }

    private static byte[] silence(OpusCodec codec, int bitrate) {
        try (OpusCodec.Encoder enc = codec.newEncoder(bitrate)) {
            short[] zeros = new short[SpaceMixer.FRAME_SAMPLES];
            byte[] out = new byte[1275];
            int n = 0;
            for (int i = 0; i < 3; i++) { // past the encoder's start-up
                n = enc.encode(zeros, out);
            }
            return java.util.Arrays.copyOf(out, n);
        }
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

    /** Makes a finished recording public and tells whoever waits for it (never a withheld one). */
    void publishReplay(String spaceId) {
        if (recordings.find(spaceId).map(Recording::withheld).orElse(false)) {
            throw io.stentor.error.StentorException.conflict("replay_withheld",
                    "This space was taken off air by the platform; its recording is not published.");
        }
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

    /** The listener outputs of a space this node mixes, or else of one relayed to it (attached on demand). */
    Optional<ListenerOutputs> outputs(String spaceId) {
        LiveSpace ls = live.get(spaceId);
        return ls != null ? Optional.of(ls.outputs) : relay.relayed(spaceId);
    }

    /**
     * The HLS packager of a live space: of one this node mixes, or else of one relayed to it,
     * attached on demand and kept while HLS requests come (an edge serves HLS with no socket
     * listener of the space). Empty when the space is not live here nor in the cluster.
     */
    public Optional<io.stentor.media.hls.HlsPackager> hlsPackager(String spaceId) {
        if (!live.containsKey(spaceId) && relay.relayedForHls(spaceId).isEmpty()) {
            return Optional.empty();
        }
        return hls.live(spaceId);
    }

    /** Whether listeners of the space are served here right now, without attaching anything (cheap). */
    boolean serving(String spaceId) {
        if (live.containsKey(spaceId)) {
            return true;
        }
        for (ListenerOutputs o : outputs) {
            if (o.spaceId.equals(spaceId)) {
                return true;
            }
        }
        return false;
    }

    /** New listener outputs for a space this node does not mix (fed by the relay), counted in this node's figures. */
    public ListenerOutputs newRelayOutputs(String spaceId, String title) {
        return newOutputs(spaceId, title);
    }

    private ListenerOutputs newOutputs(String spaceId, String title) {
        ListenerOutputs o = new ListenerOutputs(spaceId, title, this);
        outputs.add(o);
        return o;
    }

    /** Closes relayed outputs: the space ended (1000), or this node stops serving it (1012: reconnect). */
    public void closeRelayOutputs(ListenerOutputs o, boolean spaceEnded) {
        if (outputs.remove(o)) {
            o.closeAll(spaceEnded);
        }
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
        for (ListenerOutputs o : outputs) {
            n += tier.equals("ws") ? o.webSocket.size() : o.ogg.size();
        }
        return n;
    }

    /** Bytes queued to listeners' sockets over all live spaces (a signal of the load monitor). */
    public long queuedBytes() {
        long n = 0;
        for (ListenerOutputs o : outputs) {
            n += o.webSocket.queuedBytes() + o.ogg.queuedBytes();
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
        return outputs.stream().mapToInt(o -> o.webSocket.flushEvery()).max().orElse(1);
    }

    /** Adds a WebSocket listener's channel to a live space served here. */
    boolean listen(String spaceId, Channel ch, String userId, Runnable onGone) {
        Optional<ListenerOutputs> o = outputs(spaceId);
        o.ifPresent(out -> out.listenWebSocket(ch, userId, onGone));
        return o.isPresent();
    }

    @Override
    public void close() {
        // On shutdown the spaces stay live: recordings are left open-ended and resume on the next start.
        List<Channel> speaking = new ArrayList<>();
        for (String id : List.copyOf(live.keySet())) {
            LiveSpace ls = live.remove(id);
            if (ls != null) {
                outputs.remove(ls.outputs);
                speaking.addAll(ls.speakerChannels());
                ls.close(false);
            }
        }
        for (String id : List.copyOf(draining.keySet())) { // ended already: finish them now
            LiveSpace ls = draining.remove(id);
            if (ls != null) {
                finish(id, ls);
            }
        }
        for (ListenerOutputs o : List.copyOf(outputs)) {
            closeRelayOutputs(o, false); // relayed spaces go on elsewhere: their listeners reconnect
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
