package io.stentor.safety;

import io.stentor.media.RecordingClips;
import io.stentor.media.ogg.OggOpusClip;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preserves the audio a notice names, apart from the recording, so that removing the replay (by
 * its host or by a decision) does not destroy the evidence; and plays ranges to moderators.
 *
 * <p>When a notice is filed, each {@code space_audio} item with a time range gets a row and a clip
 * file ({@code DATA_DIR/evidence/NOTICE-SEQ.opus}) of what of that range is on disk; an item
 * without a range about a live space preserves the five minutes before the notice. A range that
 * reaches past what a live space has recorded so far stays PENDING and is captured again on every
 * sweep of {@link EvidenceRetention} and when the space ends, until it is whole (KEPT); if nothing
 * of it can ever be had (the recording is gone, or the range lies past its end) it is UNAVAILABLE.
 * Blocking (database, files); any thread.
 */
public final class EvidenceStore {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceStore.class);

    /** The largest clip built in memory: an hour (the longest range a notice may name) at 140 kbit/s. */
    static final long MAX_CLIP_BYTES = 64L << 20;

    /** How much of a live space is preserved for a notice item that names no range. */
    static final long UNRANGED_MS = 5 * 60_000;

    /** A range to play: Ogg Opus bytes, the part of the space's timeline they cover, and where they came from. */
    record Playback(byte[] ogg, long fromMs, long toMs, String source) {
    }

    private final EvidenceRepository repo;
    private final RecordingClips clips;
    private final SpaceService spaces;
    private final AuditLog audit;
    private final Path dir;
    private final long maxBytes;
    private final Clock clock;

    /** {@code maxBytes}: the most audio the store holds; beyond, new ranges stay PENDING until the sweep frees room. */
    public EvidenceStore(Jdbi jdbi, RecordingClips clips, SpaceService spaces, Path dir, long maxBytes, Clock clock) {
        this.repo = new EvidenceRepository(jdbi);
        this.clips = clips;
        this.spaces = spaces;
        this.audit = new AuditLog(jdbi, clock);
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /**
     * Preserves the ranges a just-filed notice names. Never throws: a failure is logged and the
     * item stays PENDING for the next sweep, and the notice is filed all the same.
     */
    public void preserve(Notice n) {
        for (int i = 0; i < n.items().size(); i++) {
            NoticeItem item = n.items().get(i);
            if (!item.kind().equals(NoticeItem.SPACE_AUDIO)) {
                continue;
            }
            try {
                long[] range = item.fromMs() != null ? new long[] {item.fromMs(), item.toMs()}
                        : justBefore(item.spaceId(), n.receivedAt());
                if (range == null) {
                    continue; // no range and not live: the moderator plays the replay while it exists
                }
                Evidence e = new Evidence(n.id(), i, item.spaceId(), range[0], range[1], Evidence.State.PENDING,
                        null, null, null, 0, null);
                repo.insert(e);
                capture(e);
            } catch (RuntimeException e) {
                LOG.warn("preserving evidence for notice {} item {} failed; the sweep will try again", n.id(), i, e);
            }
        }
    }

    /**
     * For an item without a range about a live space, what was on air when it was reported: the
     * {@link #UNRANGED_MS} before the notice (the space's time since it started; a restart's
     * downtime, absent from the recording, makes this approximate). Null when the space is not live.
     */
    private long[] justBefore(String spaceId, java.time.Instant received) {
        return spaces.find(spaceId).filter(s -> s.state() == SpaceState.LIVE && s.startedAt() != null).map(s -> {
            long at = java.time.Duration.between(s.startedAt(), received).toMillis();
            return at <= 0 ? null : new long[] {Math.max(0, at - UNRANGED_MS), at};
        }).orElse(null);
    }

    /** Captures again the PENDING items about this space (null: about every space). */
    void capturePending(String spaceId) {
        for (Evidence e : spaceId == null ? repo.pending() : repo.pending(spaceId)) {
            try {
                capture(e);
            } catch (RuntimeException ex) {
                LOG.warn("capturing evidence for notice {} item {} failed", e.noticeId(), e.seq(), ex);
            }
        }
    }

    /**
     * Captures one PENDING item. Serialised: a new notice's capture (a request thread) and the
     * sweep's (the timer thread) may reach the same row, and only one may write its file.
     */
    private synchronized void capture(Evidence seen) {
        Evidence e = repo.find(seen.noticeId(), seen.seq()).filter(x -> x.state() == Evidence.State.PENDING).orElse(null);
        if (e == null) {
            return; // captured for good, or deleted, since it was read
        }
        Optional<RecordingClips.Cut> cut = clips.cut(e.spaceId(), e.fromMs(), e.toMs(), MAX_CLIP_BYTES);
        if (cut.isPresent()) {
            OggOpusClip.Clip c = cut.get().clip();
            boolean complete = cut.get().complete();
            if (!complete && e.clipToMs() != null && c.toMs() <= e.clipToMs()) {
                return; // nothing new on disk since the last capture
            }
            if (repo.storedBytes() - e.bytes() + c.ogg().length > maxBytes) {
                LOG.error("the evidence store is full (safety.evidence-max-mib): notice {} item {} waits for room", e.noticeId(),
                        e.seq());
                return; // stays PENDING: captured once the retention policy has freed room, while the recording lasts
            }
            Path file = dir.resolve(e.noticeId() + "-" + e.seq() + ".opus");
            write(file, c.ogg());
            Evidence.State state = complete ? Evidence.State.KEPT : Evidence.State.PENDING;
            // Still PENDING: captures hold this lock, and the sweep (deleting only decided notices' items) runs on the
            // timer thread between that thread's own captures.
            repo.captured(e, state, file.toString(), c.fromMs(), c.toMs(), c.ogg().length, clock.instant());
            if (complete) {
                audit.append(null, "evidence.kept", e.noticeId(), "item=" + e.seq() + " space=" + e.spaceId()
                        + " range=" + c.fromMs() + "-" + c.toMs() + " bytes=" + c.ogg().length);
            }
            return;
        }
        RecordingClips.Status status = clips.status(e.spaceId());
        boolean ended = spaces.find(e.spaceId()).map(s -> s.state() == SpaceState.ENDED).orElse(true);
        if (status == RecordingClips.Status.RECORDING || (status == RecordingClips.Status.NONE && !ended)) {
            return; // the range is still to come
        }
        Evidence.State state = e.file() != null ? Evidence.State.KEPT : Evidence.State.UNAVAILABLE;
        if (repo.captured(e, state, e.file(), e.clipFromMs(), e.clipToMs(), e.bytes(), clock.instant())) {
            audit.append(null, "evidence." + state.name().toLowerCase(java.util.Locale.ROOT), e.noticeId(), "item=" + e.seq()
                    + " space=" + e.spaceId() + " recording=" + status.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * The range {@code [fromMs, toMs)} of a space's audio: from preserved evidence when a clip
     * holds all of it, else from the recording, else from whatever evidence holds part of it.
     *
     * @throws IllegalStateException when the clip would be larger than {@link #MAX_CLIP_BYTES}
     */
    Optional<Playback> play(String spaceId, long fromMs, long toMs) {
        List<Evidence> kept = repo.overlapping(spaceId, fromMs, toMs);
        for (Evidence e : kept) {
            if (e.covers(fromMs, toMs)) {
                Optional<Playback> p = fromEvidence(e, fromMs, toMs);
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        Optional<RecordingClips.Cut> rec = clips.cut(spaceId, fromMs, toMs, MAX_CLIP_BYTES);
        if (rec.isPresent()) {
            OggOpusClip.Clip c = rec.get().clip();
            return Optional.of(new Playback(c.ogg(), c.fromMs(), c.toMs(), "recording"));
        }
        for (Evidence e : kept) {
            Optional<Playback> p = fromEvidence(e, fromMs, toMs);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    /** The evidence of a notice, for the console. */
    List<Evidence> ofNotice(String noticeId) {
        return repo.ofNotice(noticeId);
    }

    private Optional<Playback> fromEvidence(Evidence e, long fromMs, long toMs) {
        long base = e.clipFromMs();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(e.file())))) {
            return OggOpusClip.cut(in, Math.max(0, fromMs - base), toMs - base, MAX_CLIP_BYTES)
                    .map(c -> new Playback(c.ogg(), c.fromMs() + base, c.toMs() + base, "evidence"));
        } catch (NoSuchFileException gone) {
            return Optional.empty(); // deleted by the sweep since the row was read
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read evidence " + e.file(), ex);
        }
    }

    private void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            // A player or the sweep never sees half a file.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write evidence " + file, ex);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot delete evidence " + file, ex);
        }
    }
}
