package io.stentor.safety;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** SQL for preserved evidence and for the retention policy's redaction of notices. Blocking. */
final class EvidenceRepository {

    /** What a notice keeps once its personal data is deleted. */
    static final String REDACTED = "[deleted under the retention policy]";

    /** A notice whose retention has run out: its id and its evidence files. */
    record Expired(String noticeId, String decisionId, List<String> files) {
    }

    private final Jdbi jdbi;

    EvidenceRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Evidence e) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO evidence (notice_id, seq, space_id, from_ms, to_ms, state, bytes)
                VALUES (:n, :seq, :space, :from, :to, :state, 0)""")
                .bind("n", e.noticeId()).bind("seq", e.seq()).bind("space", e.spaceId()).bind("from", e.fromMs())
                .bind("to", e.toMs()).bind("state", e.state().name()).execute());
    }

    /** Records a capture, unless the row left PENDING meanwhile (the sweep deleted it); false then. */
    boolean captured(Evidence e, Evidence.State state, String file, Long clipFrom, Long clipTo, long bytes, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE evidence SET state = :state, file = :file, clip_from_ms = :cf, clip_to_ms = :ct, bytes = :bytes,
                    captured_at = :at
                WHERE notice_id = :n AND seq = :seq AND state = 'PENDING'""")
                .bind("state", state.name()).bind("file", file).bind("cf", clipFrom).bind("ct", clipTo).bind("bytes", bytes)
                .bind("at", Timestamp.from(at)).bind("n", e.noticeId()).bind("seq", e.seq()).execute() == 1);
    }

    java.util.Optional<Evidence> find(String noticeId, int seq) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM evidence WHERE notice_id = :n AND seq = :seq")
                .bind("n", noticeId).bind("seq", seq).map((rs, ctx) -> evidence(rs)).findOne());
    }

    /** Bytes of audio the store holds now. */
    long storedBytes() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(bytes), 0) FROM evidence WHERE file IS NOT NULL")
                .mapTo(Long.class).one());
    }

    List<Evidence> pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM evidence WHERE state = 'PENDING' ORDER BY notice_id, seq")
                .map((rs, ctx) -> evidence(rs)).list());
    }

    List<Evidence> pending(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM evidence WHERE space_id = :s AND state = 'PENDING' "
                + "ORDER BY notice_id, seq").bind("s", spaceId).map((rs, ctx) -> evidence(rs)).list());
    }

    /** Kept clips of this space that overlap the range, those holding more of it first. */
    List<Evidence> overlapping(String spaceId, long fromMs, long toMs) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM evidence WHERE space_id = :s AND state IN ('PENDING', 'KEPT') AND file IS NOT NULL
                    AND clip_from_ms < :to AND clip_to_ms > :from
                ORDER BY (LEAST(clip_to_ms, :to) - GREATEST(clip_from_ms, :from)) DESC, captured_at""")
                .bind("s", spaceId).bind("from", fromMs).bind("to", toMs).map((rs, ctx) -> evidence(rs)).list());
    }

    List<Evidence> ofNotice(String noticeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM evidence WHERE notice_id = :n ORDER BY seq")
                .bind("n", noticeId).map((rs, ctx) -> evidence(rs)).list());
    }

    /**
     * Decided notices, not yet redacted, whose decision is older than {@code decidedBefore} and has
     * no open appeal (evidence an appeal still needs is kept until the appeal is decided).
     */
    List<Expired> expired(Instant decidedBefore, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT n.id, n.decision_id FROM notices n JOIN decisions d ON d.id = n.decision_id
                WHERE n.state = 'DECIDED' AND n.redacted_at IS NULL AND d.decided_at < :before
                    AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.decision_id = d.id AND a.state = 'OPEN')
                ORDER BY d.decided_at, n.id LIMIT :limit""")
                .bind("before", Timestamp.from(decidedBefore)).bind("limit", limit)
                .map((rs, ctx) -> new Expired(rs.getString("id"), rs.getString("decision_id"), List.of())).list())
                .stream().map(e -> new Expired(e.noticeId(), e.decisionId(), ofNotice(e.noticeId()).stream()
                        .map(Evidence::file).filter(java.util.Objects::nonNull).toList())).toList();
    }

    /**
     * Marks the notice's evidence deleted and deletes its personal data: the notifier's name, email
     * and explanation. Category, trusted, items, timestamps and the decision stay.
     */
    void redact(String noticeId, Instant at) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE evidence SET state = 'DELETED', file = NULL, deleted_at = :at WHERE notice_id = :n")
                    .bind("at", Timestamp.from(at)).bind("n", noticeId).execute();
            h.createUpdate("""
                    UPDATE notices SET notifier_name = NULL, notifier_email = NULL, explanation = :redacted, redacted_at = :at
                    WHERE id = :n""").bind("redacted", REDACTED).bind("at", Timestamp.from(at)).bind("n", noticeId).execute();
        });
    }

    private static Evidence evidence(ResultSet rs) throws SQLException {
        Timestamp at = rs.getTimestamp("captured_at");
        return new Evidence(rs.getString("notice_id"), rs.getInt("seq"), rs.getString("space_id"), rs.getLong("from_ms"),
                rs.getLong("to_ms"), Evidence.State.valueOf(rs.getString("state")), rs.getString("file"),
                rs.getObject("clip_from_ms", Long.class), rs.getObject("clip_to_ms", Long.class), rs.getLong("bytes"),
                at == null ? null : at.toInstant());
    }
}
