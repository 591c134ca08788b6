package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.store.Ids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The escalation queue for threats to life or safety (DSA Art 18). Escalating a space (or a notice
 * about one) copies its recording to the {@link EvidenceVault} at once — while live, what is on
 * disk so far — and records the copy's SHA-256; recording that the authorities were informed
 * closes it. Moderators only; every step, evidence downloads included, goes to the audit log.
 * Thread-safe.
 */
public final class Escalations {

    private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);

    /** What a moderator escalates: a notice, or a space directly, and why. */
    public record EscalationBody(String noticeId, String spaceId, String reason) {
    }

    /** Whom the moderators informed (law enforcement or judicial authority), their reference, and when. */
    public record InformedBody(String authority, String reference, Instant informedAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;
    private final EvidenceVault vault;

    public Escalations(Jdbi jdbi, Path evidenceDir, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = new AuditLog(jdbi, clock);
        this.vault = new EvidenceVault(evidenceDir);
    }

    public Escalation escalate(Caller caller, EscalationBody b) {
        Staff.moderator(caller);
        String reason = Staff.text("reason", b.reason(), 4000);
        if (reason == null || reason.length() < 10) {
            throw StentorException.badRequest("invalid_reason", "Say in 10 to 4,000 characters what the threat is.");
        }
        String noticeId = Staff.text("noticeId", b.noticeId(), 32);
        String spaceId = Staff.text("spaceId", b.spaceId(), 32);
        if (noticeId != null) {
            if (jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM notices WHERE id = :id").bind("id", noticeId)
                    .mapTo(Integer.class).one()) == 0) {
                throw StentorException.notFound("notice_not_found", "No notice with id " + noticeId + ".");
            }
            if (spaceId == null) {
                spaceId = jdbi.withHandle(h -> h.createQuery("SELECT space_id FROM notice_items WHERE notice_id = :id "
                        + "AND space_id IS NOT NULL ORDER BY seq").bind("id", noticeId).mapTo(String.class).findFirst())
                        .orElse(null);
            }
        }
        if (spaceId == null) {
            throw StentorException.badRequest("no_space", "Name the space (spaceId), or a notice about a space.");
        }
        String space = spaceId;
        Optional<String> spaceState = jdbi.withHandle(h -> h.createQuery("SELECT state FROM spaces WHERE id = :id")
                .bind("id", space).mapTo(String.class).findOne());
        if (spaceState.isEmpty()) {
            throw StentorException.badRequest("invalid_space", "No space with id " + space + ".");
        }
        String id = Ids.next();
        EvidenceVault.Evidence evidence = preserve(space, id);
        Instant now = clock.instant();
        boolean live = spaceState.get().equals("LIVE");
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO escalations (id, notice_id, space_id, reason, state, escalated_at, escalated_by, space_was_live,
                    evidence_file, evidence_sha256, evidence_bytes)
                VALUES (:id, :notice, :space, :reason, 'OPEN', :at, :by, :live, :file, :sha, :bytes)""")
                .bind("id", id).bind("notice", noticeId).bind("space", space).bind("reason", reason)
                .bind("at", Timestamp.from(now)).bind("by", caller.userId()).bind("live", live)
                .bind("file", evidence == null ? null : evidence.file().toString())
                .bind("sha", evidence == null ? null : evidence.sha256())
                .bind("bytes", evidence == null ? null : evidence.bytes()).execute());
        audit.append(caller.userId(), "escalation.opened", id, "space=" + space + " notice=" + noticeId + " live=" + live
                + " evidence_sha256=" + (evidence == null ? "none" : evidence.sha256()));
        return get(caller, id);
    }

    /** The space's recording copied to the vault, or null when there is none on disk. */
    private EvidenceVault.Evidence preserve(String spaceId, String name) {
        Optional<Path> file = jdbi.withHandle(h -> h.createQuery("SELECT file FROM recordings WHERE space_id = :id "
                + "AND state <> 'REMOVED'").bind("id", spaceId).mapTo(String.class).findOne()).map(Path::of);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return null;
        }
        try {
            return vault.preserve(file.get(), name);
        } catch (IOException e) {
            LOG.error("could not preserve the recording of space {} as evidence", spaceId, e);
            throw new StentorException(StentorException.Kind.UNAVAILABLE, "evidence_not_preserved",
                    "The audio could not be preserved (the server's disk failed); nothing was escalated. Try again.");
        }
    }

    /** Records that the authorities were informed; closes the escalation (once). */
    public Escalation informed(Caller caller, String id, InformedBody b) {
        Staff.moderator(caller);
        String authority = Staff.required("authority", b.authority(), 300);
        String reference = Staff.text("reference", b.reference(), 200);
        Instant now = clock.instant();
        Instant when = b.informedAt() == null ? now : b.informedAt();
        if (when.isAfter(now.plus(Duration.ofMinutes(1)))) {
            throw StentorException.badRequest("invalid_informed_at", "informedAt cannot be in the future.");
        }
        int changed = jdbi.withHandle(h -> h.createUpdate("UPDATE escalations SET state = 'INFORMED', "
                + "informed_authority = :authority, informed_reference = :reference, informed_at = :at, informed_by = :by "
                + "WHERE id = :id AND state = 'OPEN'").bind("authority", authority).bind("reference", reference)
                .bind("at", Timestamp.from(when)).bind("by", caller.userId()).bind("id", id).execute());
        if (changed == 0) {
            find(id).orElseThrow(() -> notFound(id));
            throw StentorException.conflict("escalation_closed", "The authorities were already recorded as informed.");
        }
        audit.append(caller.userId(), "escalation.informed", id, "authority=" + authority + " reference=" + reference
                + " at=" + when);
        return get(caller, id);
    }

    public Escalation get(Caller caller, String id) {
        Staff.moderator(caller);
        return find(id).orElseThrow(() -> notFound(id));
    }

    /** The queue: open escalations oldest first, or all ({@code open} false) newest first. */
    public List<Escalation> list(Caller caller, boolean open, int limit) {
        Staff.moderator(caller);
        String sql = open ? "SELECT * FROM escalations WHERE state = 'OPEN' ORDER BY escalated_at, id LIMIT :l"
                : "SELECT * FROM escalations ORDER BY escalated_at DESC, id LIMIT :l";
        return jdbi.withHandle(h -> h.createQuery(sql).bind("l", limit).map((rs, ctx) -> escalation(rs)).list());
    }

    /** The preserved audio file, for a moderator; each download is audited. */
    public Path evidence(Caller caller, String id) {
        Staff.moderator(caller);
        String file = jdbi.withHandle(h -> h.createQuery("SELECT evidence_file FROM escalations WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne()).orElseThrow(() -> notFound(id));
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw StentorException.notFound("no_evidence", "No audio was on disk when this was escalated.");
        }
        audit.append(caller.userId(), "escalation.evidence_read", id, "file=" + Path.of(file).getFileName());
        return Path.of(file);
    }

    private Optional<Escalation> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM escalations WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> escalation(rs)).findOne());
    }

    private static StentorException notFound(String id) {
        return StentorException.notFound("escalation_not_found", "No escalation with id " + id + ".");
    }

    private static Escalation escalation(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String sha = rs.getString("evidence_sha256");
        Timestamp informed = rs.getTimestamp("informed_at");
        return new Escalation(id, rs.getString("notice_id"), rs.getString("space_id"), rs.getString("reason"),
                rs.getString("state"), rs.getTimestamp("escalated_at").toInstant(), rs.getBoolean("space_was_live"),
                sha == null ? null : new Escalation.Evidence(rs.getLong("evidence_bytes"), sha,
                        "/api/v1/moderation/escalations/" + id + "/evidence.opus"),
                rs.getString("informed_authority"), rs.getString("informed_reference"),
                informed == null ? null : informed.toInstant());
    }
}
