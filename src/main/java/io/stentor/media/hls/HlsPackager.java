package io.stentor.media.hls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Cuts one live space's encoded frames into LL-HLS media: parts of {@code partFrames} frames, each
 * a CMAF fragment, and segments of {@code segmentFrames} frames (the concatenation of their parts),
 * keeping a bounded ring of recent segments. Each finished part publishes a new immutable
 * {@link HlsView} (playlist rendered once, shared by every request) and wakes the requests blocked
 * on it; nothing is kept or allocated per listener.
 *
 * <p>{@link #append} is called by whoever feeds the space's listener outputs (the mixer's tick, one
 * thread at a time) and {@link #end} by whoever closes them, possibly while a tick runs: both take
 * the packager's lock (uncontended but for that one moment). {@link #view} and {@link #await} are
 * for any number of request threads and never block the feeder.
 */
public final class HlsPackager {

    private final HlsLayout layout;
    private final String stream;
    private final List<byte[]> pending;
    private final List<HlsView.Part> openParts = new ArrayList<>();
    private final ArrayDeque<HlsView.Segment> ring = new ArrayDeque<>();
    private final int keptSegments;
    private long msn;
    private long openStartMillis;
    private boolean ended;
    private volatile HlsView view;
    /** Completed (and replaced) when the view changes: what blocked requests wait on. */
    private volatile CompletableFuture<Void> changed = new CompletableFuture<>();

    /**
     * @param stream   names this stream's files; differs for each time the space went live
     * @param firstMsn the first segment's media sequence number (continues across server restarts)
     */
    HlsPackager(HlsLayout layout, String stream, long firstMsn) {
        this.layout = layout;
        this.stream = stream;
        this.msn = firstMsn;
        this.pending = new ArrayList<>(layout.partFrames());
        // Kept twice the playlist's window: a segment must stay fetchable for as long as a
        // playlist listing it may still be cached (RFC 8216bis §6.2.2).
        this.keptSegments = 2 * layout.windowSegments();
        this.view = new HlsView(layout, stream, List.of(), List.of(), msn, System.currentTimeMillis(), false);
    }

    /** The stream name in this packager's file names. */
    public String stream() {
        return stream;
    }

    /** Adds the next 20 ms frame; {@code packet} is immutable and may be shared with other outputs. */
    public synchronized void append(byte[] packet) {
        if (ended) {
            return;
        }
        if (pending.isEmpty() && openParts.isEmpty()) {
            openStartMillis = System.currentTimeMillis();
        }
        pending.add(packet);
        if (pending.size() < layout.partFrames()) {
            return;
        }
        int index = openParts.size();
        long firstFrame = msn * layout.segmentFrames() + (long) index * layout.partFrames();
        byte[] fragment = CmafWriter.fragment(msn * layout.partsPerSegment() + index + 1,
                firstFrame * CmafWriter.FRAME_SAMPLES, pending, 0, pending.size());
        pending.clear();
        openParts.add(new HlsView.Part(msn, index, fragment));
        if (openParts.size() == layout.partsPerSegment()) {
            ring.addLast(new HlsView.Segment(msn, List.copyOf(openParts), concat(openParts), openStartMillis));
            if (ring.size() > keptSegments) {
                ring.removeFirst();
            }
            openParts.clear();
            msn++;
        }
        publish(false);
    }

    /** The stream is over (the space ended or the server stops): waiters are answered at once. */
    public synchronized void end() {
        if (!ended) {
            ended = true;
            publish(true);
        }
    }

    /** What a request sees now. */
    public HlsView view() {
        return view;
    }

    /**
     * Waits until the view has part {@code part} of segment {@code msn} (or the whole segment when
     * {@code part} is negative), or the stream ended; null when {@code timeoutMillis} passed first.
     */
    public HlsView await(long msn, int part, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            CompletableFuture<Void> next = changed; // read before the view: a change in between completes it
            HlsView v = view;
            if (v.ended() || v.has(msn, part)) {
                return v;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                next.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never completed exceptionally
            }
        }
    }

    private void publish(boolean ended) {
        view = new HlsView(layout, stream, List.copyOf(ring), List.copyOf(openParts), msn, openStartMillis, ended);
        CompletableFuture<Void> woken = changed;
        changed = new CompletableFuture<>();
        woken.complete(null);
    }

    private static byte[] concat(List<HlsView.Part> parts) {
        int n = 0;
        for (HlsView.Part p : parts) {
            n += p.bytes().length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (HlsView.Part p : parts) {
            System.arraycopy(p.bytes(), 0, out, at, p.bytes().length);
            at += p.bytes().length;
        }
        return out;
    }
}
