package io.stentor.media;

import io.stentor.space.Replay;
import io.stentor.space.ReplayCatalog;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Rows of the {@code recordings} table; also tells space lists which replays exist. Blocking. */
final class RecordingRepository implements ReplayCatalog {

    private final Jdbi jdbi;

    RecordingRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Notes that recording began (idempotent: a restart mid-space keeps the first start time). */
    void started(String spaceId, Path file, Instant now) {
        jdbi.useTransaction(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM recordings WHERE space_id = :id").bind("id", spaceId)
                    .mapTo(Integer.class).one() > 0;
            if (!exists) {
                h.createUpdate("""
                        INSERT INTO recordings (space_id, file, state, published, duration_ms, bytes, started_at)
                        VALUES (:id, :file, 'RECORDING', FALSE, 0, 0, :now)""")
                        .bind("id", spaceId).bind("file", file.toString()).bind("now", Timestamp.from(now)).execute();
            }
        });
    }

    void finished(String spaceId, Recorder.Result r, boolean publish, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE recordings SET state = 'READY', published = :pub, duration_ms = :ms, bytes = :bytes, ended_at = :now
                WHERE space_id = :id""")
                .bind("id", spaceId).bind("pub", publish).bind("ms", r.durationMillis()).bind("bytes", r.bytes())
                .bind("now", Timestamp.from(now)).execute());
    }

    /** Keeps the replay from ever being published (the space was taken off air). */
    void withhold(String spaceId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE recordings SET withheld = TRUE, published = FALSE WHERE space_id = :id")
                .bind("id", spaceId).execute());
    }

    /** Notes the replay as it aired (cuts silenced): the file the public gets. */
    void aired(String spaceId, Path airedFile) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE recordings SET aired_file = :f WHERE space_id = :id")
                .bind("f", airedFile.toString()).bind("id", spaceId).execute());
    }

    /** Marks a range of the recording as cut from the broadcast by a moderator. */
    void cut(String id, String spaceId, BroadcastCut cut, String by, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO broadcast_cuts (id, space_id, from_ms, to_ms, frames, cut_by, cut_at)
                VALUES (:id, :space, :from, :to, :frames, :by, :at)""")
                .bind("id", id).bind("space", spaceId).bind("from", cut.fromMs()).bind("to", cut.toMs())
                .bind("frames", cut.frames()).bind("by", by).bind("at", Timestamp.from(at)).execute());
    }

    /** Takes back a cut (its moderation decision was reversed). */
    void uncut(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM broadcast_cuts WHERE id = :id").bind("id", id).execute());
    }

    /** The replay is the recording again (no cut left). */
    void notAired(String spaceId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE recordings SET aired_file = NULL WHERE space_id = :id").bind("id", spaceId)
                .execute());
    }

    /** The ranges cut from a space's broadcast, in timeline order. */
    List<BroadcastCut> cuts(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT from_ms, to_ms, frames FROM broadcast_cuts WHERE space_id = :id ORDER BY from_ms, id")
                .bind("id", spaceId)
                .map((rs, ctx) -> new BroadcastCut(rs.getLong("from_ms"), rs.getLong("to_ms"), rs.getInt("frames")))
                .list());
    }

    Optional<Recording> find(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM recordings WHERE space_id = :id").bind("id", spaceId)
                .map((rs, ctx) -> recording(rs)).findOne());
    }

    void publish(String spaceId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE recordings SET published = TRUE WHERE space_id = :id")
                .bind("id", spaceId).execute());
    }

    void removed(String spaceId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE recordings SET state = 'REMOVED', published = FALSE WHERE space_id = :id")
                .bind("id", spaceId).execute());
    }

    /** Takes a replay down by moderation (or puts it back); false if the space has no recording. */
    boolean moderationRemoved(String spaceId, boolean removed) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE recordings SET removed = :r WHERE space_id = :id")
                .bind("r", removed).bind("id", spaceId).execute()) > 0;
    }

    @Override
    public Map<String, Replay> replays(Collection<String> spaceIds) {
        if (spaceIds.isEmpty()) {
            return Map.of();
        }
        List<Recording> rows = jdbi.withHandle(h -> h.createQuery(
                "SELECT * FROM recordings WHERE state = 'READY' AND published = TRUE AND removed = FALSE AND space_id IN (<ids>)")
                .bindList("ids", List.copyOf(spaceIds)).map((rs, ctx) -> recording(rs)).list());
        return rows.stream().collect(Collectors.toMap(Recording::spaceId,
                r -> new Replay("/spaces/" + r.spaceId() + "/replay.opus", r.durationMillis(), r.published())));
    }

    private static Recording recording(ResultSet rs) throws SQLException {
        Timestamp ended = rs.getTimestamp("ended_at");
        String aired = rs.getString("aired_file");
        return new Recording(rs.getString("space_id"), Path.of(rs.getString("file")),
                Recording.State.valueOf(rs.getString("state")), rs.getBoolean("published"), rs.getLong("duration_ms"),
                rs.getLong("bytes"), rs.getTimestamp("started_at").toInstant(), ended == null ? null : ended.toInstant(),
                rs.getBoolean("removed"), rs.getBoolean("withheld"), aired == null ? null : Path.of(aired));
    }
}
