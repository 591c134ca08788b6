package io.stentor.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.stentor.media.codec.OpusCodec;
import io.stentor.media.ogg.OggOpusStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The media of one live space: its speakers, its mixer on the 20 ms clock, and its outputs — the
 * WebSocket tier (pre-framed shared frames), the Ogg tier (shared pages), and the recorder. Built
 * when the space goes live, closed when it ends.
 *
 * <pre>ingest (speaker sockets) → JitterBuffer → SpaceMixer → {Fanout(ws), Ogg pager → Fanout(ogg), Recorder, HlsPackager}</pre>
 *
 * <p>Ingest runs on network threads, the tick on a media-clock thread; the stage gate is replaced
 * atomically by the control plane.
 */
final class LiveSpace implements MixOutput {

    /** Who may speak: on stage, and whether muted. */
    record StageSeat(String handle, boolean muted) {
    }

    private static final int LEVEL_REPORT_TICKS = 12; // ~4 reports a second

    final String spaceId;
    final String title;
    final Fanout webSocket;
    final Fanout ogg;
    private final MediaPlane plane;
    private final SpaceMixer mixer;
    private final OpusCodec.Encoder encoder;
    private final OggOpusStream liveOgg;
    private final List<byte[]> pagePackets = new ArrayList<>();
    private final Recorder recorder;
    private final io.stentor.media.hls.HlsPackager hls;
    private final Consumer<Map<String, Double>> levels;
    private final Map<String, SpeakerChannel> speakers = new ConcurrentHashMap<>();
    private final BitSet slots = new BitSet();
    /** Signed-in listeners' connections, so that removing a user from the space also stops their audio. */
    private final Map<String, java.util.Set<Channel>> listenersByUser = new ConcurrentHashMap<>();
    private volatile Map<String, StageSeat> stage = Map.of();
    private ScheduledFuture<?> clock;
    /** Held for a whole tick: whoever holds it knows no tick is using the codecs or the recorder. */
    private final Object tickLock = new Object();
    private boolean closed;
    private int ticksSinceReport;
    private boolean reportedSilence = true;

    LiveSpace(String spaceId, String title, MediaPlane plane, OpusCodec.Encoder encoder, OggOpusStream liveOgg,
            Recorder recorder, Consumer<Map<String, Double>> levels) {
        this.spaceId = spaceId;
        this.title = title;
        this.plane = plane;
        this.encoder = encoder;
        this.liveOgg = liveOgg;
        this.recorder = recorder;
        this.levels = levels;
        this.hls = plane.hls.open(spaceId);
        this.mixer = new SpaceMixer(encoder, this, plane.mixStage, plane.jitterStage);
        this.webSocket = new Fanout(plane.wsStage, plane.serverLatency, plane::countSlowDisconnect,
                plane.cfg.maxBehindFrames(), plane.cfg.maxQueuedFrames(), plane.cfg.maxFramesPerWrite(), null,
                () -> closeFrame(4008, "too slow: reconnect"));
        this.ogg = new Fanout(plane.oggStage, plane.serverLatency, plane::countSlowDisconnect,
                Math.max(1, plane.cfg.maxBehindFrames() / plane.cfg.oggPageFrames()),
                Math.max(2, plane.cfg.maxQueuedFrames() / plane.cfg.oggPageFrames()), 1,
                // Every listener starts with the same header pages; the shared audio pages follow (see OggOpusStream).
                () -> Unpooled.wrappedBuffer(liveOgg.headerPages()), null);
    }

    void start(ScheduledExecutorService clockThreads) {
        clock = clockThreads.scheduleAtFixedRate(this::tick, 20, 20, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        synchronized (tickLock) {
            if (closed) {
                return;
            }
            mixer.tick();
            if (++ticksSinceReport >= LEVEL_REPORT_TICKS) {
                ticksSinceReport = 0;
                reportLevels();
            }
        }
    }

    // ---- the stage gate

    void stageChanged(Map<String, StageSeat> seats) {
        this.stage = Map.copyOf(seats);
        for (SpeakerChannel s : speakers.values()) {
            StageSeat seat = seats.get(s.userId);
            if (seat == null) {
                // Off the stage: cut at once, whatever the client does.
                s.jitter.clear();
                sayGoodbye(s.channel, 4003, "you are no longer on stage");
            } else if (seat.muted()) {
                s.jitter.clear(); // silence from the very next tick
            }
        }
    }

    StageSeat seat(String userId) {
        return stage.get(userId);
    }

    // ---- speakers

    /**
     * Registers a speaker's connection. A newer connection of the same speaker replaces the older
     * one (closed with 4009), so a client reconnecting after a silent network drop is never locked out.
     */
    SpeakerChannel addSpeaker(String userId, String handle, Channel ch, OpusCodec.Decoder decoder) {
        SpeakerChannel old = speakers.get(userId);
        if (old != null) {
            removeSpeaker(old);
            sayGoodbye(old.channel, 4009, "replaced by a newer connection");
        }
        int slot;
        synchronized (slots) {
            slot = slots.nextClearBit(1);
            if (slot > 255) {
                return null;
            }
            slots.set(slot);
        }
        SpeakerChannel s = new SpeakerChannel(userId, handle, slot, ch,
                new JitterBuffer(plane.cfg.jitterFrames(), plane.cfg.maxConcealedFrames()), decoder);
        if (speakers.putIfAbsent(userId, s) != null) {
            synchronized (slots) {
                slots.clear(slot);
            }
            return null;
        }
        mixer.add(s);
        return s;
    }

    void removeSpeaker(SpeakerChannel s) {
        if (speakers.remove(s.userId, s)) {
            mixer.remove(s);
            synchronized (slots) {
                slots.clear(s.slot);
            }
            synchronized (tickLock) { // no tick can be using the decoder once we hold this
                closeQuietly(s.decoder);
            }
        }
    }

    /** A validated packet from a speaker: into their jitter buffer, and on to everyone else on stage. */
    void ingest(SpeakerChannel s, MediaWire.Packet p, long arrivalNanos) {
        StageSeat seat = stage.get(s.userId);
        if (seat == null) {
            plane.ingestStage.drop(DropReason.NOT_SPEAKER);
            return;
        }
        if (seat.muted()) {
            plane.ingestStage.drop(DropReason.MUTED);
            return;
        }
        plane.ingestStage.out();
        switch (s.jitter.offer(p.sequence(), p.captureMicros(), arrivalNanos, p.opus())) {
            case LATE -> plane.jitterStage.drop(DropReason.LATE);
            case DUPLICATE -> plane.jitterStage.drop(DropReason.DUPLICATE);
            case ACCEPTED -> {
                plane.jitterStage.in();
                forward(s, p);
            }
        }
    }

    /** The speaker's own packet, not re-encoded, to the other speakers (their clients mix it). */
    private void forward(SpeakerChannel from, MediaWire.Packet p) {
        if (speakers.size() < 2) {
            return;
        }
        plane.forwardStage.in();
        ByteBuf frame = MediaWire.webSocketFrame(ByteBufAllocator.DEFAULT, from.slot, p.sequence(), p.captureMicros(),
                p.opus(), 0, p.opus().length);
        try {
            for (SpeakerChannel to : speakers.values()) {
                if (to != from && to.channel.isWritable()) {
                    to.channel.writeAndFlush(frame.retainedDuplicate(), to.channel.voidPromise());
                    plane.forwardStage.out();
                } else if (to != from) {
                    plane.forwardStage.drop(DropReason.SLOW_LISTENER);
                }
            }
        } finally {
            frame.release();
        }
    }

    java.util.Collection<SpeakerChannel> speakersNow() {
        return speakers.values();
    }

    Map<Integer, String> slotsByHandle() {
        Map<Integer, String> out = new LinkedHashMap<>();
        speakers.values().forEach(s -> out.put(s.slot, s.handle));
        return out;
    }

    // ---- listeners

    void listenWebSocket(Channel ch, String userId, Runnable onGone) {
        webSocket.add(ch, track(ch, userId, onGone));
    }

    void listenOgg(Channel ch, String userId, Runnable onGone) {
        ogg.add(ch, track(ch, userId, onGone));
    }

    private Runnable track(Channel ch, String userId, Runnable onGone) {
        if (userId == null) {
            return onGone;
        }
        listenersByUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(ch);
        return () -> {
            listenersByUser.computeIfPresent(userId, (k, set) -> {
                set.remove(ch);
                return set.isEmpty() ? null : set;
            });
            onGone.run();
        };
    }

    /** A user removed from the space: their audio stops now, on every connection. */
    void kick(String userId) {
        java.util.Set<Channel> chans = listenersByUser.remove(userId);
        if (chans != null) {
            for (Channel ch : chans) {
                ch.writeAndFlush(ch.pipeline().get("discard") != null ? Unpooled.EMPTY_BUFFER
                        : closeFrame(4003, "you were removed from this space"))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }
    }

    // ---- outputs (mixer thread)

    @Override
    public void frame(int sequence, long captureMicros, long arrivalNanos, byte[] packet, int length) {
        if (webSocket.size() > 0) {
            webSocket.publish(MediaWire.webSocketFrame(ByteBufAllocator.DEFAULT, MediaWire.SOURCE_MIX, sequence,
                    captureMicros, packet, 0, length), sequence, arrivalNanos);
        }
        byte[] copy = java.util.Arrays.copyOf(packet, length);
        recorder.append(copy);
        hls.append(copy);
        pagePackets.add(copy);
        if (pagePackets.size() >= plane.cfg.oggPageFrames()) {
            int pageSeq = liveOgg.nextAudioPageSeq();
            byte[] page = liveOgg.audioPage(pagePackets, false);
            pagePackets.clear();
            if (ogg.size() > 0) {
                ogg.publish(Unpooled.wrappedBuffer(page), pageSeq, arrivalNanos);
            }
        }
    }

    private void reportLevels() {
        Map<String, Double> now = new LinkedHashMap<>();
        boolean anyone = false;
        for (SpeakerChannel s : speakers.values()) {
            double l = Math.round(s.levelPeakSinceReport * 1000) / 1000.0;
            s.levelPeakSinceReport = 0;
            now.put(s.handle, l);
            anyone |= l > 0.005;
        }
        // Send while someone speaks, and once more when everyone has gone quiet.
        if (anyone || !reportedSilence) {
            levels.accept(now);
            reportedSilence = !anyone;
        }
    }

    /** The speakers' connections, so a shutdown can wait for their close handshakes. */
    List<Channel> speakerChannels() {
        return speakers.values().stream().map(s -> s.channel).toList();
    }

    /**
     * Stops the clock and closes every connection. When the space has ended, the recording gets its
     * end-of-stream page; on a server shutdown it is left open so the next start continues it.
     */
    Recorder.Result close(boolean spaceEnded) {
        if (clock != null) {
            clock.cancel(false);
        }
        // 1000: the space is over. 1012 (service restart): the server is stopping, the space goes on: reconnect.
        int code = spaceEnded ? 1000 : 1012;
        String why = spaceEnded ? "the space has ended" : "server restarting: reconnect";
        webSocket.closeAll(() -> closeFrame(code, why));
        ogg.closeAll(null);
        for (SpeakerChannel s : speakers.values()) {
            sayGoodbye(s.channel, code, why);
        }
        synchronized (tickLock) { // wait out a running tick; none starts after this
            closed = true;
            plane.hls.end(spaceId, hls);
            Recorder.Result result = spaceEnded ? recorder.finish() : recorder.suspend();
            closeQuietly(encoder);
            return result;
        }
    }

    /**
     * Closes a speaker's connection the way WebSocket intends: the close frame, then our end of
     * the TCP stream (FIN), and the socket itself only once the client has answered or after 2 s.
     * Closing at once would make the kernel reset a connection whose client is still sending
     * audio, and the client would see 1006 instead of our code.
     */
    static void sayGoodbye(Channel ch, int code, String reason) {
        ch.writeAndFlush(closeFrame(code, reason)).addListener(f -> {
            if (ch instanceof io.netty.channel.socket.DuplexChannel duplex && ch.isActive()) {
                duplex.shutdownOutput();
            }
            ch.eventLoop().schedule(() -> ch.close(), 2, TimeUnit.SECONDS);
        });
    }

    static ByteBuf closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer(4 + text.length);
        b.writeByte(0x88).writeByte(2 + text.length).writeShort(code).writeBytes(text); // FIN + close
        return b;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // freeing codec state cannot meaningfully fail
        }
    }
}
