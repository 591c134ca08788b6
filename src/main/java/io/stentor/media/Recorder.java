package io.stentor.media;

import io.stentor.media.ogg.OggOpusStream;
import io.stentor.media.ogg.OggPage;
import io.stentor.media.ogg.OggPageReader;
import io.stentor.media.ogg.OpusTags;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records a space's mixed stream to an Ogg Opus file as it happens. Every {@code pageFrames}
 * frames a complete page is handed to the operating system, so a crash of the server loses at
 * most that many frames plus the one held back (never over a second: the setting stops at 49)
 * and leaves a playable file. If the file already exists (the server
 * restarted while the space was live), recording continues the same Ogg stream after its last
 * page. Not thread-safe: driven by the mixer's tick.
 */
final class Recorder {

    /** A finished recording. */
    record Result(Path file, long durationMillis, long bytes) {
    }

    static final int PRE_SKIP = 312; // libopus' lookahead at 48 kHz

    private final Path file;
    private final FileChannel out;
    private final OggOpusStream ogg;
    private final int pageFrames;
    private final MediaStage stage;
    private final List<byte[]> pending = new ArrayList<>();
    /** Frames in the recording so far, counting those before a restart: the space's timeline, 20 ms each. */
    private long frames;
    private boolean finished;

    private Recorder(Path file, FileChannel out, OggOpusStream ogg, int pageFrames, MediaStage stage) {
        this.frames = ogg.granulePosition() / SpaceMixer.FRAME_SAMPLES;
        this.file = file;
        this.out = out;
        this.ogg = ogg;
        this.pageFrames = pageFrames;
        this.stage = stage;
    }

    static Recorder open(Path file, String title, int pageFrames, MediaStage stage) {
        try {
            Files.createDirectories(file.getParent());
            OpusTags tags = new OpusTags("Stentor", List.of("TITLE=" + title));
            Optional<OggPage> last = Files.exists(file) && Files.size(file) > 0 ? lastPage(file) : Optional.empty();
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            OggOpusStream ogg;
            if (last.isPresent() && !last.get().endsStream()) {
                OggPage p = last.get();
                ogg = OggOpusStream.resume(p.serial(), PRE_SKIP, tags, p.sequence() + 1, p.granulePosition());
            } else {
                if (last.isPresent()) {
                    // A finished recording for a space that is live again: keep it aside, start a new one.
                    ch.close();
                    Files.move(file, file.resolveSibling(file.getFileName() + "." + System.currentTimeMillis() + ".bak"));
                    ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND);
                }
                ogg = new OggOpusStream(ThreadLocalRandom.current().nextInt(), PRE_SKIP, tags);
                ch.write(ByteBuffer.wrap(ogg.headerPages()));
            }
            return new Recorder(file, ch, ogg, pageFrames, stage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open recording " + file, e);
        }
    }

    private static Optional<OggPage> lastPage(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            OggPageReader reader = new OggPageReader(in);
            OggPage last = null;
            try {
                for (Optional<OggPage> p = reader.next(); p.isPresent(); p = reader.next()) {
                    last = p.get();
                }
            } catch (IOException torn) {
                // A page torn by the crash: keep what was whole, drop the rest.
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(reader.offset());
                }
            }
            return Optional.ofNullable(last);
        }
    }

    /**
     * Appends a frame; returns where it sits on the space's timeline (ms from the start of the
     * recording, which is also its position in the replay).
     */
    long append(byte[] packet) {
        long at = frames * BroadcastDelay.FRAME_MS;
        if (finished) {
            return at;
        }
        frames++;
        stage.in();
        pending.add(packet);
        // Keep one packet back, so that the end-of-stream page always carries audio (and a granule).
        if (pending.size() > pageFrames) {
            List<byte[]> page = pending.subList(0, pageFrames);
            write(ogg.audioPage(page, false));
            page.clear();
        }
        return at;
    }

    /** Writes the last page (marked end-of-stream), syncs and closes; returns duration and size. */
    Result finish() {
        return close(true);
    }

    /** Writes what is pending as an ordinary page and closes, so that {@link #open} can continue the stream. */
    Result suspend() {
        return close(false);
    }

    private Result close(boolean endOfStream) {
        if (!finished) {
            finished = true;
            if (endOfStream || !pending.isEmpty()) {
                write(ogg.audioPage(pending, endOfStream));
            }
            pending.clear();
            try {
                out.force(true);
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close recording " + file, e);
            }
        }
        long samples = Math.max(0, ogg.granulePosition() - PRE_SKIP);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            bytes = -1;
        }
        return new Result(file, samples / 48, bytes);
    }

    private void write(byte[] page) {
        try {
            ByteBuffer b = ByteBuffer.wrap(page);
            while (b.hasRemaining()) {
                out.write(b);
            }
            stage.out(); // one page
        } catch (IOException e) {
            // A full disk must not stop the live space: the recording is what suffers, visibly.
            stage.drop(DropReason.WRITE_FAILED);
            org.slf4j.LoggerFactory.getLogger(Recorder.class).error("recording write failed: {}", file, e);
        }
    }
}
