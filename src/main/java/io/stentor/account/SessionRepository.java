package io.stentor.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Rows of the {@code sessions} table, looked up by the SHA-256 of the token. Blocking. */
final class SessionRepository {

    private final Jdbi jdbi;

    SessionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Session s, String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO sessions (id, user_id, token_hash, kind, name, created_at, expires_at)
                VALUES (:id, :user, :hash, :kind, :name, :created, :expires)""")
                .bind("id", s.id()).bind("user", s.userId()).bind("hash", tokenHash).bind("kind", s.kind().name())
                .bind("name", s.name()).bind("created", s.createdAt()).bind("expires", s.expiresAt()).execute());
    }

    /** The live (unrevoked, unexpired) session with this token hash, with its user. */
    Optional<Caller> findLive(String tokenHash, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT s.id AS s_id, s.user_id AS s_user, s.kind AS s_kind, s.name AS s_name,
                       s.created_at AS s_created, s.expires_at AS s_expires, u.*
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = :hash AND s.revoked_at IS NULL AND s.expires_at > :now""")
                .bind("hash", tokenHash).bind("now", now)
                .map((rs, ctx) -> new Caller(UserRepository.user(rs, ctx), session(rs, "s_"),
                        UserRepository.instant(rs, "restricted_until"))).findOne());
    }

    List<Session> listLive(String userId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id AS s_id, user_id AS s_user, kind AS s_kind, name AS s_name, created_at AS s_created,
                       expires_at AS s_expires
                FROM sessions WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now
                ORDER BY created_at DESC""")
                .bind("user", userId).bind("now", now).map((rs, ctx) -> session(rs, "s_")).list());
    }

    /** Revokes a session of this user; false when the user has no such live session. */
    boolean revoke(String sessionId, String userId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE sessions SET revoked_at = :now
                WHERE id = :id AND user_id = :user AND revoked_at IS NULL""")
                .bind("now", now).bind("id", sessionId).bind("user", userId).execute()) > 0;
    }

    private static Session session(ResultSet rs, String p) throws SQLException {
        return new Session(rs.getString(p + "id"), rs.getString(p + "user"), Session.Kind.valueOf(rs.getString(p + "kind")),
                rs.getString(p + "name"), rs.getTimestamp(p + "created").toInstant(),
                rs.getTimestamp(p + "expires").toInstant());
    }
}
