package io.stentor.media;

import io.stentor.media.ogg.OggOpusClip;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Time ranges of a space's recording as Ogg Opus clips, for trust &amp; safety: the moderators'
 * evidence player and the evidence store. Works on a live space's recording too (what is on disk
 * so far). Blocking (database and file); call it off the event loops. Any thread.
 */
public final class RecordingClips {

    /** A clip, and whether the recording is finished (nothing more will be written to it). */
    public record Cut(OggOpusClip.Clip clip, boolean recordingFinished) {
        /** True when no later capture can add to this clip: the range is all on disk, or the recording ended. */
        public boolean complete() {
            return clip.sourceGoesOn() || recordingFinished;
        }
    }

    /** Where a space's recording stands, for someone deciding whether to look again later. */
    public enum Status { NONE, RECORDING, FINISHED, REMOVED }

    private final RecordingRepository recordings;

    public RecordingClips(Jdbi jdbi) {
        this.recordings = new RecordingRepository(jdbi);
    }

    public Status status(String spaceId) {
        return recordings.find(spaceId).map(r -> switch (r.state()) {
            case RECORDING -> Status.RECORDING;
            case READY -> Files.exists(r.file()) ? Status.FINISHED : Status.REMOVED;
            case REMOVED -> Status.REMOVED;
        }).orElse(Status.NONE);
    }

    /**
     * The range {@code [fromMs, toMs)} (ms from the start of the recording) of the space's
     * recording; empty when there is no recording, it was removed, or it holds nothing in the range.
     *
     * @throws IllegalStateException when the clip would exceed {@code maxBytes}
     */
    public Optional<Cut> cut(String spaceId, long fromMs, long toMs, long maxBytes) {
        Optional<Recording> rec = recordings.find(spaceId).filter(r -> r.state() != Recording.State.REMOVED);
        if (rec.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(rec.get().file()), 1 << 16)) {
            return OggOpusClip.cut(in, fromMs, toMs, maxBytes)
                    .map(c -> new Cut(c, rec.get().state() == Recording.State.READY));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            if (rec.get().state() == Recording.State.RECORDING) {
                return Optional.empty(); // just opened: not even its headers are on disk yet
            }
            throw new java.io.UncheckedIOException("cannot read the recording of space " + spaceId, e);
        }
    }
}
