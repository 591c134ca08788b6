package io.stentor.safety;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for notices and decisions. */
final class SafetyRepository {

    private final Jdbi jdbi;

    SafetyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a notice; a {@code deprioritised} one (its notifier misuses notices, Art 23(2)) queues last. */
    void insert(Notice n, boolean deprioritised) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO notices (id, received_at, notifier_id, notifier_name, notifier_email, trusted, category,
                        explanation, good_faith, state, deprioritised)
                    VALUES (:id, :at, :nid, :name, :email, :trusted, :category, :explanation, TRUE, 'OPEN', :low)""")
                    .bind("low", deprioritised)
                    .bind("id", n.id()).bind("at", Timestamp.from(n.receivedAt())).bind("nid", n.notifierId())
                    .bind("name", n.notifierName()).bind("email", n.notifierEmail()).bind("trusted", n.trusted())
                    .bind("category", n.category()).bind("explanation", n.explanation()).execute();
            int seq = 0;
            for (NoticeItem i : n.items()) {
                h.createUpdate("""
                        INSERT INTO notice_items (notice_id, seq, kind, space_id, speaker, from_ms, to_ms, user_handle)
                        VALUES (:id, :seq, :kind, :space, :speaker, :from, :to, :user)""")
                        .bind("id", n.id()).bind("seq", seq++).bind("kind", i.kind()).bind("space", i.spaceId())
                        .bind("speaker", i.speaker()).bind("from", i.fromMs()).bind("to", i.toMs())
                        .bind("user", i.userHandle()).execute();
            }
        });
    }

    /**
     * Open notices in the order of {@link NoticePriority}: those of notifiers who misuse notices last (Art
     * 23(2)); else trusted flaggers first, then those about
     * spaces live now, then the most severe category, then oldest first.
     */
    List<Notice> queue(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT n.*, EXISTS (SELECT 1 FROM notice_items i JOIN spaces s ON s.id = i.space_id
                                    WHERE i.notice_id = n.id AND s.state = 'LIVE') AS live,
                       %s AS severity
                FROM notices n WHERE n.state = 'OPEN'
                ORDER BY n.deprioritised, n.trusted DESC, live DESC, severity, n.received_at, n.id LIMIT :limit"""
                .formatted(NoticePriority.severitySql("n.category")))
                .bind("limit", limit).map((rs, ctx) -> notice(rs, h)).list());
    }

    Optional<Notice> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT n.*, EXISTS (SELECT 1 FROM notice_items i JOIN spaces s ON s.id = i.space_id
                                    WHERE i.notice_id = n.id AND s.state = 'LIVE') AS live
                FROM notices n WHERE n.id = :id""").bind("id", id).map((rs, ctx) -> notice(rs, h)).findOne());
    }

    /** Records the decision and closes its notice, in one transaction; false if the notice was decided meanwhile. */
    boolean decide(Decision d) {
        return jdbi.inTransaction(h -> {
            if (d.noticeId() != null && h.createUpdate("UPDATE notices SET state = 'DECIDED', decision_id = :d "
                    + "WHERE id = :n AND state = 'OPEN'").bind("d", d.id()).bind("n", d.noticeId()).execute() != 1) {
                return false;
            }
            h.createUpdate("""
                    INSERT INTO decisions (id, notice_id, decided_by, decided_at, action, space_id, affected_user_id, ground,
                        legal_ground, terms_version, terms_clause, explanation, territorial_scope, automated_detection,
                        automated_decision, target_user_id, label, from_ms, to_ms, ends_at, category, unfounded)
                    VALUES (:id, :notice, :by, :at, :action, :space, :affected, :ground, :legal, :version, :clause,
                        :explanation, :scope, :detection, :decision, :target, :label, :fromMs, :toMs, :endsAt, :category,
                        :unfounded)""")
                    .bind("id", d.id()).bind("notice", d.noticeId()).bind("by", d.decidedBy())
                    .bind("at", Timestamp.from(d.decidedAt())).bind("action", d.action()).bind("space", d.spaceId())
                    .bind("affected", d.affectedUserId()).bind("ground", d.ground()).bind("legal", d.legalGround())
                    .bind("version", d.termsVersion()).bind("clause", d.termsClause()).bind("explanation", d.explanation())
                    .bind("scope", String.join(",", d.territorialScope())).bind("detection", d.automatedDetection())
                    .bind("decision", d.automatedDecision()).bind("target", d.targetUserId()).bind("label", d.label())
                    .bind("fromMs", d.fromMs()).bind("toMs", d.toMs())
                    .bind("endsAt", d.endsAt() == null ? null : Timestamp.from(d.endsAt())).bind("category", d.category())
                    .bind("unfounded", d.unfounded()).execute();
            return true;
        });
    }

    /** Decisions that restricted this user, newest first. */
    List<Decision> affecting(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM decisions WHERE affected_user_id = :u ORDER BY decided_at DESC")
                .bind("u", userId).map((rs, ctx) -> decision(rs)).list());
    }

    Optional<Decision> decision(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM decisions WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> decision(rs)).findOne());
    }

    /** Files an appeal unless the same side has one open against the decision already; false then. */
    boolean insert(Appeal a) {
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM appeals WHERE decision_id = :d AND appellant_role = :role AND state = 'OPEN'")
                    .bind("d", a.decisionId()).bind("role", a.role()).mapTo(Integer.class).one() > 0) {
                return false;
            }
            h.createUpdate("INSERT INTO appeals (id, decision_id, appellant_id, appellant_role, filed_at, explanation, state) "
                    + "VALUES (:id, :d, :who, :role, :at, :text, 'OPEN')").bind("id", a.id()).bind("d", a.decisionId())
                    .bind("who", a.appellantId()).bind("role", a.role()).bind("at", Timestamp.from(a.filedAt()))
                    .bind("text", a.explanation()).execute();
            return true;
        });
    }

    List<Appeal> openAppeals(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM appeals WHERE state = 'OPEN' ORDER BY filed_at, id LIMIT :l")
                .bind("l", limit).map((rs, ctx) -> appeal(rs)).list());
    }

    Optional<Appeal> appeal(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM appeals WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> appeal(rs)).findOne());
    }

    List<Appeal> appealsOf(String decisionId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM appeals WHERE decision_id = :d ORDER BY filed_at")
                .bind("d", decisionId).map((rs, ctx) -> appeal(rs)).list());
    }

    /** Closes an open appeal; false if it was decided meanwhile. */
    boolean closeAppeal(String id, String state, String by, java.time.Instant at, String reply) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE appeals SET state = :state, decided_by = :by, decided_at = :at, "
                + "reply = :reply WHERE id = :id AND state = 'OPEN'").bind("state", state).bind("by", by)
                .bind("at", Timestamp.from(at)).bind("reply", reply).bind("id", id).execute() == 1);
    }

    private static Appeal appeal(ResultSet rs) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided_at");
        return new Appeal(rs.getString("id"), rs.getString("decision_id"), rs.getString("appellant_id"),
                rs.getString("appellant_role"), rs.getTimestamp("filed_at").toInstant(), rs.getString("explanation"), rs.getString("state"),
                rs.getString("decided_by"), decided == null ? null : decided.toInstant(), rs.getString("reply"));
    }

    /** Sends a decided notice back to the queue (its notifier's appeal succeeded). */
    void reopen(String noticeId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE notices SET state = 'OPEN' WHERE id = :id").bind("id", noticeId).execute());
    }

    /** Marks a decision reversed by an appeal. */
    void reversed(String decisionId, java.time.Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE decisions SET reversed_at = :at WHERE id = :id")
                .bind("at", Timestamp.from(at)).bind("id", decisionId).execute());
    }

    /** The notices this signed-in notifier sent, newest first. */
    List<Notice> sentBy(String userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT n.*, FALSE AS live FROM notices n WHERE n.notifier_id = :u ORDER BY n.received_at DESC""")
                .bind("u", userId).map((rs, ctx) -> notice(rs, h)).list());
    }

    /** Decisions taken since {@code since}, oldest first. */
    List<Decision> decisionsSince(java.time.Instant since) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM decisions WHERE decided_at >= :since ORDER BY decided_at, id")
                .bind("since", Timestamp.from(since)).map((rs, ctx) -> decision(rs)).list());
    }

    /** A space's language and the day its audio began (started, else created), for statements. */
    Optional<Object[]> spaceFacts(String spaceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT language, COALESCE(started_at, created_at) AS content_day FROM spaces WHERE id = :id")
                .bind("id", spaceId).map((rs, ctx) -> new Object[] {rs.getString("language"),
                        rs.getTimestamp("content_day").toInstant()}).findOne());
    }

    Optional<String> displayName(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT display_name FROM users WHERE id = :id").bind("id", userId)
                .mapTo(String.class).findOne());
    }

    private static Notice notice(ResultSet rs, Handle h) throws SQLException {
        String id = rs.getString("id");
        List<NoticeItem> items = h.createQuery("SELECT * FROM notice_items WHERE notice_id = :id ORDER BY seq").bind("id", id)
                .map((r, c) -> new NoticeItem(r.getString("kind"), r.getString("space_id"), r.getString("speaker"),
                        (Long) r.getObject("from_ms", Long.class), (Long) r.getObject("to_ms", Long.class),
                        r.getString("user_handle"))).list();
        return new Notice(id, rs.getTimestamp("received_at").toInstant(), rs.getString("notifier_id"),
                rs.getString("notifier_name"), rs.getString("notifier_email"), rs.getBoolean("trusted"),
                rs.getString("category"), rs.getString("explanation"), rs.getString("state"), rs.getString("decision_id"),
                rs.getBoolean("live"), items);
    }

    private static Decision decision(ResultSet rs) throws SQLException {
        return new Decision(rs.getString("id"), rs.getString("notice_id"), rs.getString("decided_by"),
                rs.getTimestamp("decided_at").toInstant(), rs.getString("action"), rs.getString("space_id"),
                rs.getString("affected_user_id"), rs.getString("ground"), rs.getString("legal_ground"),
                rs.getString("terms_version"), rs.getString("terms_clause"), rs.getString("explanation"),
                Arrays.asList(rs.getString("territorial_scope").split(",")), rs.getBoolean("automated_detection"),
                rs.getString("automated_decision"), rs.getString("target_user_id"), rs.getString("label"),
                (Long) rs.getObject("from_ms", Long.class), (Long) rs.getObject("to_ms", Long.class), instant(rs, "ends_at"),
                rs.getString("category"), rs.getBoolean("unfounded"), instant(rs, "reversed_at"));
    }

    private static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
