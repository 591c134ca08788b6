package io.stentor.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.stentor.media.codec.OpusCodec;
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
 * listener outputs (WebSocket and Ogg tiers, see {@link ListenerOutputs}), the cluster relay (an
 * origin's publisher to its edges), and the recorder. Built when the space goes live, closed when it
 * ends (or taken off air by the kill switch).
 *
 * <pre>ingest (speaker sockets) → JitterBuffer → SpaceMixer → BroadcastDelay → {ListenerOutputs, relay}
 *                                                     └→ Recorder (undelayed)</pre>
 *
 * <p>Listeners hear the space through the broadcast delay; speakers hear each other's forwarded
 * packets at once (that is conversation, not broadcast); the recording keeps what was said, and
 * cuts are marked beside it (see {@link AiredReplay}).
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
    final ListenerOutputs outputs;
    /** Where an origin publishes what airs, for its edges (a no-op on a single node). */
    private final MixOutput relay;
    private final MediaPlane plane;
    private final SpaceMixer mixer;
    private final OpusCodec.Encoder encoder;
    private final Recorder recorder;
    private final BroadcastDelay delay;
    private final Consumer<Map<String, Double>> levels;
    private final Map<String, SpeakerChannel> speakers = new ConcurrentHashMap<>();
    private final BitSet slots = new BitSet();
    private volatile Map<String, StageSeat> stage = Map.of();
    private ScheduledFuture<?> clock;
    /** Held for a whole tick: whoever holds it knows no tick is using the codecs or the recorder. */
    private final Object tickLock = new Object();
    private boolean closed;
    /** Ended, listeners hearing out the delay: nothing more is recorded. */
    private boolean draining;
    private int ticksSinceReport;
    private boolean reportedSilence = true;
    /** Level reports wait as long as the audio they describe, so indicators light up when listeners hear it. */
    private final java.util.ArrayDeque<HeldLevels> heldLevels = new java.util.ArrayDeque<>();
    private long ticks;

    /** A speaking-levels report made at {@code tick}, waiting for the broadcast delay. */
    private record HeldLevels(long tick, Map<String, Double> levels) {
    }

    LiveSpace(String spaceId, String title, MediaPlane plane, OpusCodec.Encoder encoder, ListenerOutputs outputs,
            Recorder recorder, Consumer<Map<String, Double>> levels, int delaySeconds, MixOutput relay) {
        this.spaceId = spaceId;
        this.title = title;
        this.plane = plane;
        this.encoder = encoder;
        this.outputs = outputs;
        this.relay = relay;
        this.recorder = recorder;
        this.levels = levels;
        this.mixer = new SpaceMixer(encoder, this, plane.mixStage, plane.jitterStage);
        this.delay = new BroadcastDelay(this::air, plane.delayStage, plane.silence);
        delay.delayFrames(delaySeconds * BroadcastDelay.FRAMES_PER_SECOND);
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
            ticks++;
            if (++ticksSinceReport >= LEVEL_REPORT_TICKS) {
                ticksSinceReport = 0;
                reportLevels();
            }
            releaseLevels();
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
        outputs.listenWebSocket(ch, userId, onGone);
    }

    void listenOgg(Channel ch, String userId, Runnable onGone) {
        outputs.listenOgg(ch, userId, onGone);
    }

    /** A user removed from the space: their audio stops now, on every connection. */
    void kick(String userId) {
        outputs.kick(userId);
    }

    // ---- the broadcast delay and the kill switch

    /** Sets how far behind live listeners hear the space, from the next tick (see {@link BroadcastDelay}). */
    void delaySeconds(int seconds) {
        delay.delayFrames(seconds * BroadcastDelay.FRAMES_PER_SECOND);
    }

    /**
     * The space ended: its speakers are let go now (1000), while listeners go on hearing what the
     * delay holds. Returns the milliseconds until that has aired (0: nothing held, close now).
     */
    long drain() {
        synchronized (tickLock) {
            draining = true;
            if (delay.held() == 0) {
                return 0;
            }
        }
        for (SpeakerChannel s : speakers.values()) {
            sayGoodbye(s.channel, 1000, "the space has ended");
        }
        return (long) delay.delayFrames() * BroadcastDelay.FRAME_MS;
    }

    /** Drops the held audio that has not aired; null when nothing was held. Any thread. */
    BroadcastCut cut() {
        synchronized (tickLock) { // the delay is the tick's: no frame moves while we cut
            BroadcastCut cut = closed ? null : delay.cut();
            if (cut != null && !heldLevels.isEmpty()) {
                // The held reports describe the audio just cut: drop them; silence airs now, so say so.
                Map<String, Double> quiet = new LinkedHashMap<>();
                heldLevels.peekLast().levels().keySet().forEach(h -> quiet.put(h, 0.0));
                heldLevels.clear();
                levels.accept(quiet);
            }
            return cut;
        }
    }

    // ---- outputs (mixer thread)

    @Override
    public void frame(int sequence, long captureMicros, long arrivalNanos, byte[] packet, int length) {
        // One copy per frame, shared by the recorder, the delay and the Ogg pager; never modified.
        byte[] copy = java.util.Arrays.copyOf(packet, length);
        // Undelayed: the recording keeps what was said (and stops when the space ends).
        long timelineMs = draining ? -1 : recorder.append(copy);
        delay.push(copy, captureMicros, arrivalNanos, timelineMs);
    }

    /** A frame due to air (from the delay, on the mixer thread): to every listener output, and to the edges. */
    private void air(int sequence, long captureMicros, long arrivalNanos, byte[] packet) {
        outputs.frame(sequence, captureMicros, arrivalNanos, packet, packet.length);
        relay.frame(sequence, captureMicros, arrivalNanos, packet, packet.length);
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
            if (delay.delayFrames() == 0 && heldLevels.isEmpty()) {
                levels.accept(now);
            } else {
                heldLevels.add(new HeldLevels(ticks, now)); // at most 125 (30 s / 12 ticks)
            }
            reportedSilence = !anyone;
        }
    }

    /** Sends the level report that is due under the current delay; older due ones are skipped, as the audio is. */
    private void releaseLevels() {
        int d = delay.delayFrames();
        HeldLevels due = null;
        while (!heldLevels.isEmpty() && heldLevels.peek().tick() + d <= ticks) {
            due = heldLevels.poll();
        }
        if (due != null) {
            levels.accept(due.levels());
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
        // 1000: the space is over. 1012 (service restart): the server is stopping, the space goes on: reconnect.
        return spaceEnded ? close(1000, "the space has ended", true) : close(1012, "server restarting: reconnect", false);
    }

    /**
     * The kill switch: every listener and speaker is closed at once with {@link #TAKEN_OFF_AIR}, the
     * audio held in the delay never airs, and the recording is finished.
     */
    Recorder.Result takeOffAir() {
        return close(TAKEN_OFF_AIR, TAKEN_OFF_AIR_REASON, true);
    }

    /** The close code of the kill switch (documented in docs/PROTOCOL.md). */
    static final int TAKEN_OFF_AIR = 4010;
    static final String TAKEN_OFF_AIR_REASON = "taken off air by the platform";

    private Recorder.Result close(int code, String why, boolean finish) {
        if (clock != null) {
            clock.cancel(false);
        }
        outputs.closeAll(code, why);
        for (SpeakerChannel s : speakers.values()) {
            sayGoodbye(s.channel, code, why);
        }
        synchronized (tickLock) { // wait out a running tick; none starts after this
            closed = true;
            Recorder.Result result = finish ? recorder.finish() : recorder.suspend();
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
