package io.stentor.media.ogg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a time range out of an Ogg Opus stream into a stream of its own: the header pages, then the
 * packets that overlap {@code [fromMs, toMs)} on new pages whose granule positions count from 0, so
 * any player starts it at 0:00; the same range of the same source always gives the same bytes. Time is the source's timeline: a packet starts at the samples of
 * all packets before it, / 48 for milliseconds. The source may be a file still being written (a
 * live recording): a page torn at its end is where the clip stops. Stateless; any thread.
 */
public final class OggOpusClip {

    /** Packets per page of a clip: one second of 20 ms frames. */
    static final int PAGE_PACKETS = 50;

    /**
     * A clip: the Ogg bytes, the range of the source it really covers (packet boundaries, and no
     * further than the source reaches), and whether the source goes on past {@code toMs}.
     */
    public record Clip(byte[] ogg, long fromMs, long toMs, boolean sourceGoesOn) {
        public long durationMs() {
            return toMs - fromMs;
        }
    }

    private OggOpusClip() {
    }

    /**
     * The clip of {@code [fromMs, toMs)}; empty when the source holds no audio in that range.
     *
     * @param maxBytes the largest clip built in memory; larger is an {@link IllegalStateException}
     * @throws IOException when the source is not Ogg Opus or is damaged before the range ends
     */
    public static Optional<Clip> cut(InputStream source, long fromMs, long toMs, long maxBytes) throws IOException {
        if (fromMs < 0 || toMs <= fromMs) {
            throw new IllegalArgumentException("a clip runs forward from 0: " + fromMs + ".." + toMs);
        }
        OggOpusReader reader = new OggOpusReader(source);
        long from = fromMs * 48;
        long to = toMs * 48;
        long at = 0; // samples before the next packet
        long first = -1;
        boolean goesOn = false;
        List<byte[]> kept = new ArrayList<>();
        long bytes = 0;
        while (true) {
            Optional<OggPacket> next;
            try {
                next = reader.nextPacket();
            } catch (IOException torn) {
                if (first < 0 && at <= from) {
                    throw torn;
                }
                break; // the live end of a file being written, or damage past what we need
            }
            if (next.isEmpty()) {
                break;
            }
            byte[] p = next.get().data();
            long end = at + OpusToc.samples48k(p);
            if (at >= to) {
                goesOn = true;
                break;
            }
            if (end > from) {
                if (first < 0) {
                    first = at;
                }
                kept.add(p);
                bytes += p.length;
                if (bytes > maxBytes) {
                    throw new IllegalStateException("a clip of " + (toMs - fromMs) + " ms exceeds " + maxBytes + " bytes");
                }
            }
            at = end;
        }
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        // The same range of the same source is the same bytes every time, so a player may fetch it in parts.
        int serial = reader.serial() ^ Long.hashCode(fromMs * 31 + toMs);
        OggOpusStream out = new OggOpusStream(serial, reader.head().preSkip(), reader.tags());
        ByteArrayOutputStream ogg = new ByteArrayOutputStream((int) Math.min(maxBytes, bytes + bytes / 8 + 4096));
        ogg.writeBytes(out.headerPages());
        for (int i = 0; i < kept.size(); i += PAGE_PACKETS) {
            List<byte[]> page = kept.subList(i, Math.min(kept.size(), i + PAGE_PACKETS));
            ogg.writeBytes(out.audioPage(page, i + PAGE_PACKETS >= kept.size()));
        }
        return Optional.of(new Clip(ogg.toByteArray(), first / 48, at / 48, goesOn));
    }
}
