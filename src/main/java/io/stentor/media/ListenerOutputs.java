package io.stentor.media;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.stentor.media.ogg.OggOpusStream;
import io.stentor.media.ogg.OpusTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the listeners of one space hear on this node: the WebSocket tier (pre-framed shared frames)
 * and the HTTP Ogg tier (shared pages). Fed one encoded frame at a time, by the space's mixer on
 * the node that mixes it, or by the cluster relay on an edge: the same code either way.
 *
 * <pre>frame → {Fanout(ws), Ogg pager → Fanout(ogg)}</pre>
 *
 * <p>{@link #frame} is called by one thread at a time (the mixer's tick, or the relay's
 * dispatcher); everything else from any thread.
 */
public final class ListenerOutputs implements MixOutput {

    final String spaceId;
    final String title;
    final Fanout webSocket;
    final Fanout ogg;
    private final OggOpusStream liveOgg;
    private final int pageFrames;
    private final List<byte[]> pagePackets = new ArrayList<>();
    /** The CDN tier: CMAF segments and LL-HLS parts of what airs here (see io.stentor.media.hls). */
    private final io.stentor.media.hls.HlsTier hlsTier;
    private final io.stentor.media.hls.HlsPackager hls;
    /** Signed-in listeners' connections, so that removing a user from the space also stops their audio. */
    private final Map<String, Set<Channel>> listenersByUser = new ConcurrentHashMap<>();
    /** Listeners attached and not yet gone, counted at once (the fan-outs count on their event loops). */
    private final AtomicInteger attached = new AtomicInteger();
    private volatile long idleSinceNanos = System.nanoTime();

    ListenerOutputs(String spaceId, String title, MediaPlane plane) {
        this.spaceId = spaceId;
        this.title = title;
        this.pageFrames = plane.cfg.oggPageFrames();
        this.hlsTier = plane.hls;
        this.hls = plane.hls.open(spaceId);
        this.liveOgg = new OggOpusStream(ThreadLocalRandom.current().nextInt(), Recorder.PRE_SKIP,
                new OpusTags("Stentor", List.of("TITLE=" + title)));
        this.webSocket = new Fanout(plane.wsStage, plane.serverLatency, plane::countSlowDisconnect,
                plane.cfg.maxBehindFrames(), plane.cfg.maxQueuedFrames(), plane.cfg.maxFramesPerWrite(), null,
                () -> LiveSpace.closeFrame(4008, "too slow: reconnect"));
        this.ogg = new Fanout(plane.oggStage, plane.serverLatency, plane::countSlowDisconnect,
                Math.max(1, plane.cfg.maxBehindFrames() / pageFrames),
                Math.max(2, plane.cfg.maxQueuedFrames() / pageFrames), 1,
                // Every listener starts with the same header pages; the shared audio pages follow (see OggOpusStream).
                () -> Unpooled.wrappedBuffer(liveOgg.headerPages()), null);
    }

    public String spaceId() {
        return spaceId;
    }

    public String title() {
        return title;
    }

    @Override
    public void frame(int sequence, long captureMicros, long arrivalNanos, byte[] packet, int length) {
        if (webSocket.size() > 0) {
            // Owned by the fan-out from here (publish takes over this reference).
            webSocket.publish(MediaWire.webSocketFrame(ByteBufAllocator.DEFAULT, MediaWire.SOURCE_MIX, sequence,
                    captureMicros, packet, 0, length), sequence, arrivalNanos);
        }
        byte[] copy = java.util.Arrays.copyOf(packet, length); // one copy, kept by the Ogg pager and the HLS packager
        hls.append(copy);
        pagePackets.add(copy);
        if (pagePackets.size() >= pageFrames) {
            int pageSeq = liveOgg.nextAudioPageSeq();
            byte[] page = liveOgg.audioPage(pagePackets, false);
            pagePackets.clear();
            if (ogg.size() > 0) {
                // A direct buffer: a heap one would be copied into a direct one for every listener's write.
                ogg.publish(ByteBufAllocator.DEFAULT.directBuffer(page.length).writeBytes(page), pageSeq, arrivalNanos);
            }
        }
    }

    void listenWebSocket(Channel ch, String userId, Runnable onGone) {
        webSocket.add(ch, track(ch, userId, onGone));
    }

    void listenOgg(Channel ch, String userId, Runnable onGone) {
        ogg.add(ch, track(ch, userId, onGone));
    }

    private Runnable track(Channel ch, String userId, Runnable onGone) {
        attached.incrementAndGet();
        if (userId != null) {
            listenersByUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(ch);
        }
        return () -> {
            if (userId != null) {
                listenersByUser.computeIfPresent(userId, (k, set) -> {
                    set.remove(ch);
                    return set.isEmpty() ? null : set;
                });
            }
            if (attached.decrementAndGet() == 0) {
                idleSinceNanos = System.nanoTime();
            }
            onGone.run();
        };
    }

    /** Listeners attached now, on both tiers (a listener counts from the moment it is handed over). */
    public int listeners() {
        return attached.get();
    }

    /** Nanoseconds (System.nanoTime) since which nobody has listened; meaningful while {@link #listeners()} is 0. */
    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** A user removed from the space: their audio stops now, on every connection. */
    public void kick(String userId) {
        Set<Channel> chans = listenersByUser.remove(userId);
        if (chans != null) {
            for (Channel ch : chans) {
                ch.writeAndFlush(ch.pipeline().get("discard") != null ? Unpooled.EMPTY_BUFFER
                        : LiveSpace.closeFrame(4003, "you were removed from this space"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * Closes every listener. 1000 when the space is over; 1012 (service restart) when this node
     * stops serving it while it goes on: reconnect.
     */
    void closeAll(boolean spaceEnded) {
        closeAll(spaceEnded ? 1000 : 1012, spaceEnded ? "the space has ended" : "server restarting: reconnect");
    }

    /** Closes every listener with this WebSocket close code (Ogg listeners' connections just close). */
    void closeAll(int code, String why) {
        webSocket.closeAll(() -> LiveSpace.closeFrame(code, why));
        ogg.closeAll(null);
        hlsTier.end(spaceId, hls);
    }
}
