package io.stentor.safety;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** SQL for live events: event risk records, kill-switch records, the moderators' list of events. Blocking. */
final class LiveEventsRepository {

    /** A space's event risk record, as stored. */
    record RiskRecord(String spaceId, int expectedAudience, String measures, String updatedBy, Instant updatedAt) {
    }

    /** An upcoming or live space as the moderators' list of events shows it. */
    record EventRow(String spaceId, String title, String state, String hostHandle, Instant scheduledStart,
            Instant startedAt, int broadcastDelaySeconds, boolean demoted, int followers, RiskRecord riskRecord) {
    }

    private final Jdbi jdbi;

    LiveEventsRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void saveRiskRecord(RiskRecord r) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                    UPDATE event_risk_records SET expected_audience = :n, measures = :m, updated_by = :by, updated_at = :at
                    WHERE space_id = :id""")
                    .bind("id", r.spaceId()).bind("n", r.expectedAudience()).bind("m", r.measures())
                    .bind("by", r.updatedBy()).bind("at", Timestamp.from(r.updatedAt())).execute();
            if (updated == 0) {
                h.createUpdate("""
                        INSERT INTO event_risk_records (space_id, expected_audience, measures, updated_by, updated_at)
                        VALUES (:id, :n, :m, :by, :at)""")
                        .bind("id", r.spaceId()).bind("n", r.expectedAudience()).bind("m", r.measures())
                        .bind("by", r.updatedBy()).bind("at", Timestamp.from(r.updatedAt())).execute();
            }
        });
    }

    Optional<RiskRecord> riskRecord(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM event_risk_records WHERE space_id = :id")
                .bind("id", spaceId).map((rs, ctx) -> riskRecord(rs, "")).findOne());
    }

    void killed(String spaceId, String by, Instant at, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO space_kills (space_id, killed_by, killed_at, reason) VALUES (:id, :by, :at, :reason)""")
                .bind("id", spaceId).bind("by", by).bind("at", Timestamp.from(at)).bind("reason", reason).execute());
    }

    /** Live spaces, then scheduled ones by start time; demoted ones included (moderators see everything). */
    List<EventRow> upcomingAndLive(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT s.id, s.title, s.state, u.handle, s.scheduled_start, s.started_at, s.broadcast_delay_seconds,
                       s.demoted, (SELECT COUNT(*) FROM space_follows f WHERE f.space_id = s.id) AS followers,
                       r.space_id AS r_space_id, r.expected_audience AS r_expected_audience, r.measures AS r_measures,
                       r.updated_by AS r_updated_by, r.updated_at AS r_updated_at
                FROM spaces s JOIN users u ON u.id = s.host_id
                LEFT JOIN event_risk_records r ON r.space_id = s.id
                WHERE s.state IN ('LIVE', 'SCHEDULED')
                ORDER BY CASE s.state WHEN 'LIVE' THEN 0 ELSE 1 END, s.scheduled_start, s.started_at, s.id
                LIMIT :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new EventRow(rs.getString("id"), rs.getString("title"), rs.getString("state"),
                        rs.getString("handle"), instant(rs, "scheduled_start"), instant(rs, "started_at"),
                        rs.getInt("broadcast_delay_seconds"), rs.getBoolean("demoted"), rs.getInt("followers"),
                        rs.getString("r_space_id") == null ? null : riskRecord(rs, "r_")))
                .list());
    }

    private static RiskRecord riskRecord(ResultSet rs, String prefix) throws SQLException {
        return new RiskRecord(rs.getString(prefix + "space_id"), rs.getInt(prefix + "expected_audience"),
                rs.getString(prefix + "measures"), rs.getString(prefix + "updated_by"), instant(rs, prefix + "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
