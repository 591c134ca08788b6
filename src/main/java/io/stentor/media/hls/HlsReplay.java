package io.stentor.media.hls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import io.stentor.media.ogg.OggPage;
import io.stentor.media.ogg.OggPageReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A finished recording (Ogg Opus) served as HLS VOD segments. The file is scanned once per
 * recording into an {@link Index} of page offsets (a few kB for an hour), kept in a small bounded
 * cache; a segment is then read from the page that holds its first frame, not from the start of
 * the file. Thread-safe.
 */
final class HlsReplay {

    /**
     * Where the audio is: the header pages' bytes, and for each page that starts with a whole
     * packet its byte offset and the number of audio packets before it.
     */
    record Index(byte[] headers, long[] pageOffsets, long[] packetsBefore, long packets) {
    }

    private final HlsLayout layout;
    private final Cache<String, Index> indexes = Caffeine.newBuilder().maximumSize(64).build();

    HlsReplay(HlsLayout layout) {
        this.layout = layout;
    }

    /** The recording's index; rebuilt when the file changed. */
    Index index(Path file) {
        try {
            String key = file.toAbsolutePath() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
            return indexes.get(key, k -> scan(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The VOD playlist over the recording. */
    String playlist(Path file, String stream) {
        return Playlists.vod(layout, stream, index(file).packets());
    }

    /** Segment {@code n} (from 0) as one CMAF fragment, or null past the end. */
    byte[] segment(Path file, long n) {
        Index idx = index(file);
        long first = n * layout.segmentFrames();
        if (n < 0 || first >= idx.packets()) {
            return null;
        }
        int page = Arrays.binarySearch(idx.packetsBefore(), first);
        if (page < 0) {
            page = -page - 2; // the last page starting before the frame
        }
        // The headers, then the file from that page: a valid Ogg Opus stream (one jump in page numbers).
        try (FileChannel ch = FileChannel.open(file)) {
            ch.position(idx.pageOffsets()[page]);
            InputStream in = new SequenceInputStream(new ByteArrayInputStream(idx.headers()),
                    new BufferedInputStream(Channels.newInputStream(ch), 16 * 1024));
            OggOpusReader reader = new OggOpusReader(in);
            for (long skip = first - idx.packetsBefore()[page]; skip > 0; skip--) {
                reader.nextPacket();
            }
            List<byte[]> packets = new ArrayList<>(layout.segmentFrames());
            while (packets.size() < layout.segmentFrames()) {
                Optional<OggPacket> p = reader.nextPacket();
                if (p.isEmpty()) {
                    break;
                }
                packets.add(p.get().data());
            }
            return CmafWriter.fragment(n + 1, first * CmafWriter.FRAME_SAMPLES, packets, 0, packets.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recording " + file, e);
        }
    }

    private static Index scan(Path file) {
        List<long[]> seekPoints = new ArrayList<>();
        long ended = 0; // packets ended so far, the two headers included
        long audioStart = -1;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            OggPageReader pages = new OggPageReader(in);
            while (true) {
                long offset = pages.offset();
                Optional<OggPage> next;
                try {
                    next = pages.next();
                } catch (IOException torn) {
                    break; // a page torn by a crash: serve what is whole
                }
                if (next.isEmpty()) {
                    break;
                }
                OggPage page = next.get();
                if (ended >= 2) { // audio starts on a fresh page after OpusTags (RFC 7845 §3)
                    audioStart = audioStart < 0 ? offset : audioStart;
                    if (!page.continued()) {
                        seekPoints.add(new long[] {offset, ended - 2});
                    }
                }
                ended += page.packetsEnding();
            }
            byte[] headers;
            try (InputStream again = Files.newInputStream(file)) {
                headers = again.readNBytes((int) (audioStart < 0 ? 0 : audioStart));
            }
            long[] offsets = seekPoints.stream().mapToLong(p -> p[0]).toArray();
            long[] before = seekPoints.stream().mapToLong(p -> p[1]).toArray();
            return new Index(headers, offsets, before, Math.max(0, ended - 2));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recording " + file, e);
        }
    }
}
