package io.stentor.space;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * SQL for spaces and everything hanging off them (stage, requests, invites, blocks, follows).
 * Blocking: call from virtual threads. Callers serialise changes to one space (see SpaceLocks).
 */
final class SpaceRepository {

    /** A pending request to speak, in queue order. */
    record SpeakRequest(String userId, Instant requestedAt) {
    }

    /** A pending invitation to the stage. */
    record Invite(String userId, StageRole role, String invitedBy, Instant invitedAt) {
    }

    private final Jdbi jdbi;

    SpaceRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    // ---- spaces

    void insert(Space s, StageMember host) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO spaces (id, host_id, title, description, language, state, recording_policy,
                        scheduled_start, started_at, ended_at, created_at, updated_at)
                    VALUES (:id, :host, :title, :description, :language, :state, :policy,
                        :scheduled, :started, :ended, :created, :updated)""")
                    .bind("id", s.id()).bind("host", s.hostId()).bind("title", s.title())
                    .bind("description", s.description()).bind("language", s.language())
                    .bind("state", s.state().name()).bind("policy", s.recordingPolicy().name())
                    .bind("scheduled", ts(s.scheduledStart())).bind("started", ts(s.startedAt()))
                    .bind("ended", ts(s.endedAt())).bind("created", ts(s.createdAt())).bind("updated", ts(s.updatedAt()))
                    .execute();
            insertMember(h, s.id(), host);
        });
    }

    void update(Space s) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE spaces SET title = :title, description = :description, language = :language, state = :state,
                    recording_policy = :policy, scheduled_start = :scheduled, started_at = :started,
                    ended_at = :ended, updated_at = :updated
                WHERE id = :id""")
                .bind("id", s.id()).bind("title", s.title()).bind("description", s.description())
                .bind("language", s.language()).bind("state", s.state().name())
                .bind("policy", s.recordingPolicy().name()).bind("scheduled", ts(s.scheduledStart()))
                .bind("started", ts(s.startedAt())).bind("ended", ts(s.endedAt())).bind("updated", ts(s.updatedAt()))
                .execute());
    }

    Optional<Space> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM spaces WHERE id = :id").bind("id", id)
                .map(SpaceRepository::space).findOne());
    }

    /** Sets the broadcast delay alone, so that it never races an edit of the other fields. */
    void broadcastDelay(String id, int seconds) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE spaces SET broadcast_delay_seconds = :s WHERE id = :id")
                .bind("s", seconds).bind("id", id).execute());
    }

    /** Takes a space out of discovery lists (or back). */
    void demote(String id, boolean demoted) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE spaces SET demoted = :d WHERE id = :id").bind("d", demoted).bind("id", id)
                .execute());
    }

    /** Spaces filtered by state and/or host, in the order that suits the state (demoted ones only by host). */
    /** Every live space, demoted or not. */
    List<Space> allLive() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM spaces WHERE state = 'LIVE' ORDER BY started_at DESC, id")
                .map(SpaceRepository::space).list());
    }

    List<Space> list(SpaceState state, String hostId, int limit) {
        String order = state == null ? "created_at DESC" : switch (state) {
            case LIVE -> "started_at DESC";
            case SCHEDULED -> "scheduled_start ASC";
            case ENDED, CANCELLED -> "ended_at DESC";
        };
        StringBuilder sql = new StringBuilder("SELECT * FROM spaces WHERE 1 = 1");
        if (state != null) {
            sql.append(" AND state = :state");
        }
        if (hostId != null) {
            sql.append(" AND host_id = :host");
        } else {
            sql.append(" AND demoted = FALSE"); // discovery never amplifies a demoted space (DSA)
        }
        sql.append(" ORDER BY ").append(order).append(", id LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", limit);
            if (state != null) {
                q.bind("state", state.name());
            }
            if (hostId != null) {
                q.bind("host", hostId);
            }
            return q.map(SpaceRepository::space).list();
        });
    }

    int count(SpaceState state) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM spaces WHERE state = :state")
                .bind("state", state.name()).mapTo(Integer.class).one());
    }

    // ---- stage

    List<StageMember> stage(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM stage_members WHERE space_id = :space
                ORDER BY CASE role WHEN 'HOST' THEN 0 WHEN 'COHOST' THEN 1 ELSE 2 END, since, user_id""")
                .bind("space", spaceId).map(SpaceRepository::member).list());
    }

    void addMember(String spaceId, StageMember m) {
        jdbi.useTransaction(h -> {
            insertMember(h, spaceId, m);
            h.createUpdate("DELETE FROM speak_requests WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", m.userId()).execute();
            h.createUpdate("DELETE FROM stage_invites WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", m.userId()).execute();
        });
    }

    private static void insertMember(Handle h, String spaceId, StageMember m) {
        h.createUpdate("""
                INSERT INTO stage_members (space_id, user_id, role, muted, muted_by_host, since)
                VALUES (:space, :user, :role, :muted, :byHost, :since)""")
                .bind("space", spaceId).bind("user", m.userId()).bind("role", m.role().name())
                .bind("muted", m.muted()).bind("byHost", m.mutedByHost()).bind("since", ts(m.since())).execute();
    }

    void updateMember(String spaceId, StageMember m) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE stage_members SET role = :role, muted = :muted, muted_by_host = :byHost
                WHERE space_id = :space AND user_id = :user""")
                .bind("space", spaceId).bind("user", m.userId()).bind("role", m.role().name())
                .bind("muted", m.muted()).bind("byHost", m.mutedByHost()).execute());
    }

    void removeMember(String spaceId, String userId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM stage_members WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute());
    }

    // ---- requests to speak

    List<SpeakRequest> requests(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT user_id, requested_at FROM speak_requests WHERE space_id = :space ORDER BY requested_at, seq""")
                .bind("space", spaceId)
                .map((rs, ctx) -> new SpeakRequest(rs.getString("user_id"), instant(rs, "requested_at"))).list());
    }

    /** Appends to the queue; false when this user already has a pending request. */
    boolean addRequest(String spaceId, String userId, Instant now) {
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM speak_requests WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", userId).mapTo(Integer.class).one() > 0;
            if (exists) {
                return false;
            }
            long seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM speak_requests WHERE space_id = :space")
                    .bind("space", spaceId).mapTo(Long.class).one();
            h.createUpdate("""
                    INSERT INTO speak_requests (space_id, user_id, requested_at, seq) VALUES (:space, :user, :at, :seq)""")
                    .bind("space", spaceId).bind("user", userId).bind("at", ts(now)).bind("seq", seq).execute();
            return true;
        });
    }

    boolean removeRequest(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM speak_requests WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute()) > 0;
    }

    // ---- invites

    Optional<Invite> invite(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM stage_invites WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId)
                .map((rs, ctx) -> new Invite(rs.getString("user_id"), StageRole.valueOf(rs.getString("role")),
                        rs.getString("invited_by"), instant(rs, "invited_at"))).findOne());
    }

    List<Invite> invites(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM stage_invites WHERE space_id = :space ORDER BY invited_at")
                .bind("space", spaceId)
                .map((rs, ctx) -> new Invite(rs.getString("user_id"), StageRole.valueOf(rs.getString("role")),
                        rs.getString("invited_by"), instant(rs, "invited_at"))).list());
    }

    void putInvite(String spaceId, Invite i) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM stage_invites WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", i.userId()).execute();
            h.createUpdate("""
                    INSERT INTO stage_invites (space_id, user_id, role, invited_by, invited_at)
                    VALUES (:space, :user, :role, :by, :at)""")
                    .bind("space", spaceId).bind("user", i.userId()).bind("role", i.role().name())
                    .bind("by", i.invitedBy()).bind("at", ts(i.invitedAt())).execute();
        });
    }

    boolean removeInvite(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM stage_invites WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute()) > 0;
    }

    // ---- blocks

    boolean isBlocked(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM space_blocks WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).mapTo(Integer.class).one() > 0);
    }

    /** Blocks the user and takes them off the stage, the request queue and the invitations, atomically. */
    void block(String spaceId, String userId, String by, Instant now) {
        jdbi.useTransaction(h -> {
            for (String table : List.of("stage_members", "speak_requests", "stage_invites", "space_blocks")) {
                h.createUpdate("DELETE FROM " + table + " WHERE space_id = :space AND user_id = :user")
                        .bind("space", spaceId).bind("user", userId).execute();
            }
            h.createUpdate("""
                    INSERT INTO space_blocks (space_id, user_id, blocked_by, blocked_at) VALUES (:space, :user, :by, :at)""")
                    .bind("space", spaceId).bind("user", userId).bind("by", by).bind("at", ts(now)).execute();
        });
    }

    boolean unblock(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM space_blocks WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute()) > 0;
    }

    // ---- follows

    boolean follow(String spaceId, String userId, Instant now) {
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM space_follows WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", userId).mapTo(Integer.class).one() > 0;
            if (!exists) {
                h.createUpdate("INSERT INTO space_follows (space_id, user_id, followed_at) VALUES (:space, :user, :at)")
                        .bind("space", spaceId).bind("user", userId).bind("at", ts(now)).execute();
            }
            return !exists;
        });
    }

    boolean unfollow(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM space_follows WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute()) > 0;
    }

    // ---- moderation marks

    void label(String id, String label) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE spaces SET label = :l WHERE id = :id").bind("l", label).bind("id", id).execute());
    }

    void ageRestrict(String id, boolean restricted) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE spaces SET age_restricted = :r WHERE id = :id").bind("r", restricted)
                .bind("id", id).execute());
    }

    void moderationMute(String spaceId, String userId, String decisionId) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM moderation_mutes WHERE space_id = :space AND user_id = :user")
                    .bind("space", spaceId).bind("user", userId).execute();
            h.createUpdate("INSERT INTO moderation_mutes (space_id, user_id, decision_id) VALUES (:space, :user, :decision)")
                    .bind("space", spaceId).bind("user", userId).bind("decision", decisionId).execute();
        });
    }

    boolean liftModerationMute(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM moderation_mutes WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).execute()) > 0;
    }

    boolean isModerationMuted(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM moderation_mutes WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).mapTo(Integer.class).one() > 0);
    }

    boolean isDemoted(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT demoted FROM spaces WHERE id = :id").bind("id", spaceId)
                .mapTo(Boolean.class).findOne().orElse(false));
    }

    boolean isFollowing(String spaceId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM space_follows WHERE space_id = :space AND user_id = :user")
                .bind("space", spaceId).bind("user", userId).mapTo(Integer.class).one() > 0);
    }

    List<String> followers(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM space_follows WHERE space_id = :space")
                .bind("space", spaceId).mapTo(String.class).list());
    }

    int followerCount(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM space_follows WHERE space_id = :space")
                .bind("space", spaceId).mapTo(Integer.class).one());
    }

    // ---- mapping

    private static Space space(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Space(rs.getString("id"), rs.getString("host_id"), rs.getString("title"), rs.getString("description"),
                rs.getString("language"), SpaceState.valueOf(rs.getString("state")),
                RecordingPolicy.valueOf(rs.getString("recording_policy")), instant(rs, "scheduled_start"),
                instant(rs, "started_at"), instant(rs, "ended_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getString("label"), rs.getBoolean("age_restricted"), rs.getInt("broadcast_delay_seconds"));
    }

    private static StageMember member(ResultSet rs, StatementContext ctx) throws SQLException {
        return new StageMember(rs.getString("user_id"), StageRole.valueOf(rs.getString("role")), rs.getBoolean("muted"),
                rs.getBoolean("muted_by_host"), instant(rs, "since"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
