package io.stentor.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Rows of the {@code users} table. Blocking: call from virtual threads, never from an event loop. */
public final class UserRepository {

    /** A stored account with its password hash, for login only. */
    record Credentials(User user, String passwordHash) {
    }

    /** Raised when the handle is taken (the unique index said so). */
    static final class DuplicateHandle extends RuntimeException {
        DuplicateHandle() {
            super(null, null, false, false);
        }
    }

    private final Jdbi jdbi;

    public UserRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(User user, String passwordHash) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                    INSERT INTO users (id, handle, handle_key, display_name, password_hash, role, created_at)
                    VALUES (:id, :handle, :key, :name, :hash, :role, :created)""")
                    .bind("id", user.id()).bind("handle", user.handle())
                    .bind("key", new Handle(user.handle()).key()).bind("name", user.displayName())
                    .bind("hash", passwordHash).bind("role", user.role().name()).bind("created", user.createdAt())
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            if (findByHandle(user.handle()).isPresent()) {
                throw new DuplicateHandle();
            }
            throw e;
        }
    }

    public Optional<User> findById(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id)
                .map(UserRepository::user).findOne());
    }

    public Optional<User> findByHandle(String handle) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE handle_key = :key")
                .bind("key", handle.toLowerCase(java.util.Locale.ROOT)).map(UserRepository::user).findOne());
    }

    public List<User> findByIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids)).map(UserRepository::user).list());
    }

    Optional<Credentials> credentials(String handle) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE handle_key = :key")
                .bind("key", handle.toLowerCase(java.util.Locale.ROOT))
                .map((rs, ctx) -> new Credentials(user(rs, ctx), rs.getString("password_hash"))).findOne());
    }

    int countByRole(Role role) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users WHERE role = :role")
                .bind("role", role.name()).mapTo(Integer.class).one());
    }

    void updateRole(String userId, Role role) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET role = :role WHERE id = :id")
                .bind("role", role.name()).bind("id", userId).execute());
    }

    static User user(ResultSet rs, StatementContext ctx) throws SQLException {
        return new User(rs.getString("id"), rs.getString("handle"), rs.getString("display_name"),
                Role.valueOf(rs.getString("role")), rs.getTimestamp("created_at").toInstant());
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
