package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.server.Json;
import io.stentor.store.Ids;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Transparency reports an admin published: a snapshot of the figures at the moment of publishing,
 * kept as they were (a later correction is a new publication), and listed for the public. Thread-safe.
 */
public final class PublishedReports {

    /** A published report as listed: its period and when it was published. */
    public record Published(String id, LocalDate from, LocalDate to, Instant publishedAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;

    public PublishedReports(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = new AuditLog(jdbi, clock);
    }

    Published publish(Caller admin, TransparencyReport report) {
        Published p = new Published(Ids.next(), report.from(), report.to(), clock.instant());
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO transparency_reports (id, period_from, period_to, published_at, "
                + "published_by, figures) VALUES (:id, :from, :to, :at, :by, :figures)").bind("id", p.id())
                .bind("from", p.from()).bind("to", p.to()).bind("at", Timestamp.from(p.publishedAt()))
                .bind("by", admin.userId()).bind("figures", Json.writeString(report)).execute());
        audit.append(admin.userId(), "transparency_report.published", p.id(), "from=" + p.from() + " to=" + p.to());
        return p;
    }

    /** Newest publication first. */
    public List<Published> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, period_from, period_to, published_at FROM transparency_reports "
                + "ORDER BY published_at DESC, id").map((rs, ctx) -> new Published(rs.getString("id"),
                        rs.getDate("period_from").toLocalDate(), rs.getDate("period_to").toLocalDate(),
                        rs.getTimestamp("published_at").toInstant())).list());
    }

    public Optional<TransparencyReport> report(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT figures FROM transparency_reports WHERE id = :id").bind("id", id)
                .mapTo(String.class).findOne())
                .map(s -> Json.read(s.getBytes(StandardCharsets.UTF_8), TransparencyReport.class));
    }
}
