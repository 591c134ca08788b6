package io.stentor.media;

import io.micrometer.core.instrument.Timer;
import io.stentor.config.StentorConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one shared, pre-framed buffer to every listener of one output (a space's WebSocket tier,
 * or its Ogg tier). Listeners are grouped by their event loop, and each loop gets one task per
 * frame that writes to all of its listeners, so the caller (the mixer) never touches a socket and
 * no per-listener task is queued. Each listener gets a recycled duplicate of the same bytes: no
 * copy, no encode. A listener whose socket is full loses the frame; one that stays full for
 * {@code maxBehindFrames} is sent a farewell and closed. Nothing a listener does slows the mixer
 * or the other listeners.
 *
 * <p>{@link #publish} is called by one thread (the mixer); {@link #add} from any thread.
 */
public final class Fanout {

    /**
     * Fresh bytes for one listener (a new buffer per call, owned by the write): what it needs before
     * its first shared buffer (the Ogg headers), or what it is told when it is cut off.
     */
    @FunctionalInterface
    public interface Bytes {
        ByteBuf get();
    }

    private final Map<EventExecutor, Group> groups = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final MediaStage stage;
    private final Timer serverLatency;
    private final Runnable onSlowDisconnect;
    private final int maxBehindFrames;
    private final int maxQueuedFrames;
    private final Bytes preamble;
    private final Bytes farewell;
    private final WriteCoalescing coalescing;
    private long published;
    /** Frames gathered for the next write while coalescing (guarded by this), with when each arrived. */
    private ByteBuf batch;
    private int batchFrames;
    private final long[] batchArrivals = new long[StentorConfig.Media.MAX_FRAMES_PER_WRITE];

    /**
     * @param maxQueuedFrames frames that may wait in one listener's outbound buffer; beyond that new
     *                        frames are dropped for it, so a congested listener hears gaps rather than
     *                        falling further and further behind live
     */
    public Fanout(MediaStage stage, Timer serverLatency, Runnable onSlowDisconnect, int maxBehindFrames,
            int maxQueuedFrames, int maxFramesPerWrite, Bytes preamble, Bytes farewell) {
        this(stage, serverLatency, onSlowDisconnect, maxBehindFrames, maxQueuedFrames, new WriteCoalescing(maxFramesPerWrite),
                preamble, farewell);
    }

    Fanout(MediaStage stage, Timer serverLatency, Runnable onSlowDisconnect, int maxBehindFrames, int maxQueuedFrames,
            WriteCoalescing coalescing, Bytes preamble, Bytes farewell) {
        this.maxQueuedFrames = Math.max(coalescing.max() + 1, maxQueuedFrames);
        this.coalescing = coalescing;
        this.stage = stage;
        this.serverLatency = serverLatency;
        this.onSlowDisconnect = onSlowDisconnect;
        this.maxBehindFrames = maxBehindFrames;
        this.preamble = preamble;
        this.farewell = farewell;
    }

    /** Adds a listener; {@code onGone} runs (on its event loop) once it is closed, for whatever reason. */
    public void add(Channel ch, Runnable onGone) {
        EventExecutor loop = ch.eventLoop();
        loop.execute(() -> {
            if (!ch.isActive()) {
                onGone.run();
                return;
            }
            Group g = groups.computeIfAbsent(loop, Group::new);
            Listener l = new Listener(ch);
            g.add(l);
            size.incrementAndGet();
            ch.closeFuture().addListener(f -> {
                g.remove(l);
                size.decrementAndGet();
                onGone.run();
            });
        });
    }

    /**
     * Sends {@code frame} to every listener. Takes over the caller's reference: the caller must not
     * release it. {@code arrivalNanos} is when the oldest audio in it reached the server (for the
     * server-added latency histogram), or 0 when not applicable.
     *
     * <p>While the coalescing asks for more than one frame per write, frames are gathered here into
     * one batch buffer (a copy of ~100 bytes per frame, once for all listeners) and the batch is
     * written to each listener as one buffer: one write per listener per batch, as the bare fan-out
     * probe does, rather than one pipeline write per frame that only the flush would gather.
     */
    public synchronized void publish(ByteBuf frame, long sequence, long arrivalNanos) {
        stage.in();
        if (++published % 25 == 0) { // every half second of frames
            coalescing.adjust(groups.size());
        }
        int n = coalescing.framesPerWrite();
        boolean due = sequence % n == 0 || batchFrames + 1 >= n;
        if (batch == null && due) {
            deliverToAll(frame, 1, new long[] {arrivalNanos});
            return;
        }
        if (batch == null) {
            batch = ByteBufAllocator.DEFAULT.directBuffer(frame.readableBytes() * n);
        }
        batch.writeBytes(frame, frame.readerIndex(), frame.readableBytes()); // leaves the frame's indexes alone
        frame.release();
        batchArrivals[batchFrames++] = arrivalNanos;
        if (due) {
            sendBatch();
        }
    }

    /** Hands the gathered frames to the loops (publisher's lock held). */
    private void sendBatch() {
        ByteBuf b = batch;
        batch = null;
        long[] arrivals = java.util.Arrays.copyOf(batchArrivals, batchFrames);
        int frames = batchFrames;
        batchFrames = 0;
        deliverToAll(b, frames, arrivals);
    }

    private void deliverToAll(ByteBuf buf, int frames, long[] arrivals) {
        for (Group g : groups.values()) {
            buf.retain(); // one reference per loop task, released by the task
            g.loop.execute(() -> g.deliver(buf, frames, arrivals));
        }
        buf.release(); // the publisher's reference
    }

    public int size() {
        return size.get();
    }

    /** Bytes waiting to be written to this fan-out's listeners, as of the last frame. */
    public long queuedBytes() {
        long n = 0;
        for (Group g : groups.values()) {
            n += g.queuedBytes;
        }
        return n;
    }

    /** Frames per socket write right now: 1 sends each frame at once; more coalesce (see {@link WriteCoalescing}). */
    public int flushEvery() {
        return coalescing.framesPerWrite();
    }

    /**
     * Closes every listener (the space ended), after sending each what is still gathered and then the
     * {@code goodbye} bytes when given.
     */
    public synchronized void closeAll(Bytes goodbye) {
        if (batch != null) {
            sendBatch(); // queued on each loop ahead of the goodbye
        }
        for (Group g : groups.values()) {
            g.loop.execute(() -> g.closeAll(goodbye));
        }
    }

    private static final class Listener {
        final Channel channel;
        int index;
        int behind;
        boolean started;

        Listener(Channel channel) {
            this.channel = channel;
        }
    }

    /** The listeners of one event loop; touched only on that loop. */
    private final class Group {
        final EventExecutor loop;
        final ArrayList<Listener> listeners = new ArrayList<>();
        /** Bytes waiting in this loop's listeners' socket buffers at the last frame (read by the load monitor). */
        volatile long queuedBytes;

        Group(EventExecutor loop) {
            this.loop = loop;
        }

        void add(Listener l) {
            l.index = listeners.size();
            listeners.add(l);
        }

        void remove(Listener l) {
            int i = l.index;
            if (i < listeners.size() && listeners.get(i) == l) {
                Listener last = listeners.remove(listeners.size() - 1);
                if (last != l) {
                    listeners.set(i, last);
                    last.index = i;
                }
            }
        }

        /** Writes {@code buf} ({@code frames} frames) to every listener of this loop that can take it. */
        void deliver(ByteBuf buf, int frames, long[] arrivals) {
            long start = System.nanoTime();
            try {
                int written = 0;
                long queuedSum = 0;
                long limit = (long) buf.readableBytes() / frames * maxQueuedFrames;
                for (int i = 0; i < listeners.size(); i++) {
                    Listener l = listeners.get(i);
                    Channel ch = l.channel;
                    if (!l.started) {
                        l.started = true;
                        ByteBuf pre = preamble == null ? null : preamble.get();
                        if (pre != null) {
                            ch.write(pre, ch.voidPromise());
                        }
                    }
                    long queued = queued(ch);
                    queuedSum += queued;
                    if (ch.isWritable() && queued <= limit) {
                        // A recycled duplicate: own indexes, shared bytes; the channel releases it once written.
                        ch.writeAndFlush(buf.retainedDuplicate(), ch.voidPromise());
                        l.behind = 0;
                        written++;
                    } else {
                        stage.drop(DropReason.SLOW_LISTENER, frames);
                        if ((l.behind += frames) > maxBehindFrames) {
                            cutOff(l);
                        }
                    }
                }
                queuedBytes = queuedSum;
                stage.out(written * frames);
                if (written > 0) {
                    long now = System.nanoTime();
                    for (long arrival : arrivals) {
                        if (arrival != 0) {
                            serverLatency.record(now - arrival, TimeUnit.NANOSECONDS);
                        }
                    }
                }
            } finally {
                buf.release(); // this task's reference
                coalescing.busy(System.nanoTime() - start);
            }
        }

        private long queued(Channel ch) {
            io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            return out == null ? 0 : out.totalPendingWriteBytes();
        }

        private void cutOff(Listener l) {
            Channel ch = l.channel;
            l.behind = Integer.MIN_VALUE; // only once
            onSlowDisconnect.run();
            ByteBuf bye = farewell == null ? null : farewell.get();
            if (bye != null) {
                ch.writeAndFlush(bye).addListener(ChannelFutureListener.CLOSE);
                ch.eventLoop().schedule(() -> ch.close(), 2, TimeUnit.SECONDS); // if even that cannot drain
            } else {
                ch.close();
            }
        }

        void closeAll(Bytes goodbye) {
            for (Listener l : new ArrayList<>(listeners)) {
                ByteBuf bye = goodbye == null ? null : goodbye.get();
                if (bye != null) {
                    l.channel.writeAndFlush(bye).addListener(ChannelFutureListener.CLOSE);
                } else {
                    l.channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }
}
