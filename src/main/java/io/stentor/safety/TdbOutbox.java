package io.stentor.safety;

import io.stentor.server.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Statements waiting for the Transparency Database, in the database so they survive restarts.
 * Queued in the same breath as the decision; marked submitted only once accepted.
 */
public final class TdbOutbox {

    /** A queued statement: its puid and its JSON. */
    public record Entry(String puid, String json) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public TdbOutbox(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    void enqueue(Map<String, Object> statement) {
        String json = new String(Json.write(statement), StandardCharsets.UTF_8);
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO tdb_outbox (puid, statement, queued_at, attempts, rejected) "
                + "VALUES (:puid, :json, :at, 0, FALSE)").bind("puid", (String) statement.get("puid")).bind("json", json)
                .bind("at", Timestamp.from(clock.instant())).execute());
    }

    /** Up to {@code limit} statements not yet accepted nor rejected, oldest first. */
    public List<Entry> pending(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT puid, statement FROM tdb_outbox WHERE submitted_at IS NULL "
                + "AND rejected = FALSE ORDER BY queued_at, puid LIMIT :l").bind("l", limit)
                .map((rs, ctx) -> new Entry(rs.getString("puid"), rs.getString("statement"))).list());
    }

    public void submitted(List<String> puids) {
        jdbi.useHandle(h -> {
            for (String p : puids) {
                h.createUpdate("UPDATE tdb_outbox SET submitted_at = :at, attempts = attempts + 1 WHERE puid = :p")
                        .bind("at", Timestamp.from(clock.instant())).bind("p", p).execute();
            }
        });
    }

    /** The database refused this statement for good (it is kept, with the reason, for a person to look at). */
    public void rejected(String puid, String why) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE tdb_outbox SET rejected = TRUE, attempts = attempts + 1, last_error = :e "
                + "WHERE puid = :p").bind("e", why.length() > 1000 ? why.substring(0, 1000) : why).bind("p", puid).execute());
    }

    public int count(boolean submitted) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tdb_outbox WHERE "
                + (submitted ? "submitted_at IS NOT NULL" : "submitted_at IS NULL AND rejected = FALSE")).mapTo(Integer.class).one());
    }
}
