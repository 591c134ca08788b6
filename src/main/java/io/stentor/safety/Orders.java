package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.store.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The register of authority orders (DSA Art 9 and 10): a moderator records an order when it
 * arrives, acknowledges it to the authority, then records the effect given to it. The server
 * stamps each step; steps go in order only (409 otherwise). Every step goes to the audit log.
 * Thread-safe.
 */
public final class Orders {

    static final Set<String> KINDS = Set.of("act_against_illegal_content", "provide_information");
    /** The Member States whose authorities may issue orders (ISO 3166-1 codes; Greece is GR). */
    static final Set<String> MEMBER_STATES = Set.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE",
            "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");

    /** An order as a moderator records it. */
    public record OrderBody(String kind, String authority, String memberState, String reference, String legalBasis,
            String category, String spaceId, String userHandle, Instant contentFrom, Instant contentTo,
            List<String> territorialScope, String scopeNote) {
    }

    /** What was done about an order: given effect or not, in words, and the decision that did it. */
    public record EffectBody(Boolean givenEffect, String effect, String decisionId) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;

    public Orders(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = new AuditLog(jdbi, clock);
    }

    public AuthorityOrder record(Caller caller, OrderBody b) {
        Staff.moderator(caller);
        String kind = b.kind() == null ? "" : b.kind();
        if (!KINDS.contains(kind)) {
            throw StentorException.badRequest("invalid_kind", "kind is act_against_illegal_content (Art 9) or "
                    + "provide_information (Art 10).");
        }
        String state = b.memberState() == null ? "" : b.memberState().toUpperCase(Locale.ROOT);
        if (!MEMBER_STATES.contains(state)) {
            throw StentorException.badRequest("invalid_member_state", "memberState is the issuing Member State's "
                    + "two-letter code (AT, BE, ... GR for Greece).");
        }
        String category = b.category() == null ? "" : b.category().toLowerCase(Locale.ROOT);
        if (!SafetyService.CATEGORIES.contains(category)) {
            throw StentorException.badRequest("invalid_category", "category is one of "
                    + String.join(", ", SafetyService.CATEGORIES.stream().sorted().toList()) + ".");
        }
        List<String> territory = b.territorialScope() == null ? List.of() : b.territorialScope();
        if (territory.isEmpty() || territory.stream().anyMatch(t -> !t.equals("EU") && !MEMBER_STATES.contains(t))) {
            throw StentorException.badRequest("invalid_territorial_scope",
                    "territorialScope lists where the order applies: EU, or Member State codes.");
        }
        if ((b.contentFrom() == null) != (b.contentTo() == null)
                || (b.contentFrom() != null && !b.contentFrom().isBefore(b.contentTo()))) {
            throw StentorException.badRequest("invalid_time_range", "Give contentFrom before contentTo, or neither.");
        }
        String spaceId = Staff.text("spaceId", b.spaceId(), 32);
        if (spaceId != null && jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM spaces WHERE id = :id")
                .bind("id", spaceId).mapTo(Integer.class).one()) == 0) {
            throw StentorException.badRequest("invalid_space", "No space with id " + spaceId + ".");
        }
        String user = Staff.text("userHandle", b.userHandle(), 64);
        String note = Staff.text("scopeNote", b.scopeNote(), 2000);
        if (spaceId == null && user == null && note == null) {
            throw StentorException.badRequest("scope_required", "Say what the order covers: spaceId, userHandle "
                    + "or scopeNote (the items or information it names).");
        }
        AuthorityOrder o = new AuthorityOrder(Ids.next(), kind, Staff.required("authority", b.authority(), 300), state,
                Staff.required("reference", b.reference(), 200), Staff.required("legalBasis", b.legalBasis(), 1000), category,
                new AuthorityOrder.Scope(spaceId, user, b.contentFrom(), b.contentTo(), List.copyOf(territory), note),
                "RECEIVED", clock.instant(), null, null, null, null, null);
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO authority_orders (id, kind, authority, member_state, reference, legal_basis, category, space_id,
                    user_handle, content_from, content_to, territorial_scope, scope_note, state, received_at, recorded_by)
                VALUES (:id, :kind, :authority, :state, :reference, :basis, :category, :space, :user, :from, :to, :territory,
                    :note, 'RECEIVED', :at, :by)""")
                .bind("id", o.id()).bind("kind", kind).bind("authority", o.authority()).bind("state", state)
                .bind("reference", o.reference()).bind("basis", o.legalBasis()).bind("category", category)
                .bind("space", spaceId).bind("user", user).bind("from", ts(b.contentFrom())).bind("to", ts(b.contentTo()))
                .bind("territory", String.join(",", territory)).bind("note", note)
                .bind("at", Timestamp.from(o.receivedAt())).bind("by", caller.userId()).execute());
        audit.append(caller.userId(), "order.received", o.id(), "kind=" + kind + " state=" + state + " reference="
                + o.reference());
        return o;
    }

    /** Marks the order acknowledged to its authority (once, after it was received). */
    public AuthorityOrder acknowledge(Caller caller, String id) {
        Staff.moderator(caller);
        Instant now = clock.instant();
        step(id, "RECEIVED", "ACKNOWLEDGED", "UPDATE authority_orders SET state = 'ACKNOWLEDGED', acknowledged_at = :at, "
                + "acknowledged_by = :by WHERE id = :id AND state = 'RECEIVED'", now, caller.userId(), null);
        audit.append(caller.userId(), "order.acknowledged", id, "at=" + now);
        return get(caller, id);
    }

    /** Records the effect given to an acknowledged order, or why none was. */
    public AuthorityOrder effect(Caller caller, String id, EffectBody b) {
        Staff.moderator(caller);
        String effect = Staff.required("effect", b.effect(), 4000);
        boolean given = !Boolean.FALSE.equals(b.givenEffect());
        String decision = Staff.text("decisionId", b.decisionId(), 32);
        if (decision != null && jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM decisions WHERE id = :id")
                .bind("id", decision).mapTo(Integer.class).one()) == 0) {
            throw StentorException.badRequest("invalid_decision", "No decision with id " + decision + ".");
        }
        Instant now = clock.instant();
        step(id, "ACKNOWLEDGED", "EFFECTED", "UPDATE authority_orders SET state = 'EFFECTED', effected_at = :at, "
                + "effected_by = :by, given_effect = :given, effect = :effect, decision_id = :decision "
                + "WHERE id = :id AND state = 'ACKNOWLEDGED'", now, caller.userId(), u -> u.bind("given", given)
                .bind("effect", effect).bind("decision", decision));
        audit.append(caller.userId(), "order.effected", id, "given_effect=" + given + " decision=" + decision);
        return get(caller, id);
    }

    private void step(String id, String from, String to, String sql, Instant at, String by,
            java.util.function.Consumer<org.jdbi.v3.core.statement.Update> extra) {
        int changed = jdbi.withHandle(h -> {
            var u = h.createUpdate(sql).bind("at", Timestamp.from(at)).bind("by", by).bind("id", id);
            if (extra != null) {
                extra.accept(u);
            }
            return u.execute();
        });
        if (changed == 0) {
            AuthorityOrder o = find(id).orElseThrow(() -> notFound(id));
            throw StentorException.conflict("order_" + o.state().toLowerCase(Locale.ROOT), "This order is "
                    + o.state().toLowerCase(Locale.ROOT) + "; it can be " + to.toLowerCase(Locale.ROOT) + " only when "
                    + from.toLowerCase(Locale.ROOT) + ".");
        }
    }

    public AuthorityOrder get(Caller caller, String id) {
        Staff.moderator(caller);
        return find(id).orElseThrow(() -> notFound(id));
    }

    /** Orders newest first; {@code state} is null (all), {@code open} (not yet effected) or a state. */
    public List<AuthorityOrder> list(Caller caller, String state, int limit) {
        Staff.moderator(caller);
        String filter = switch (state == null ? "" : state.toLowerCase(Locale.ROOT)) {
            case "" -> "";
            case "open" -> "WHERE state <> 'EFFECTED'";
            case "received", "acknowledged", "effected" -> "WHERE state = '" + state.toUpperCase(Locale.ROOT) + "'";
            default -> throw StentorException.badRequest("invalid_state", "state is open, received, acknowledged or effected.");
        };
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM authority_orders " + filter
                + " ORDER BY received_at DESC, id LIMIT :limit").bind("limit", limit).map((rs, ctx) -> order(rs)).list());
    }

    private Optional<AuthorityOrder> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM authority_orders WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> order(rs)).findOne());
    }

    private static StentorException notFound(String id) {
        return StentorException.notFound("order_not_found", "No order with id " + id + ".");
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static AuthorityOrder order(ResultSet rs) throws SQLException {
        Boolean given = rs.getObject("given_effect", Boolean.class);
        return new AuthorityOrder(rs.getString("id"), rs.getString("kind"), rs.getString("authority"),
                rs.getString("member_state"), rs.getString("reference"), rs.getString("legal_basis"), rs.getString("category"),
                new AuthorityOrder.Scope(rs.getString("space_id"), rs.getString("user_handle"), instant(rs, "content_from"),
                        instant(rs, "content_to"), Arrays.asList(rs.getString("territorial_scope").split(",")),
                        rs.getString("scope_note")),
                rs.getString("state"), instant(rs, "received_at"), instant(rs, "acknowledged_at"), instant(rs, "effected_at"),
                given, rs.getString("effect"), rs.getString("decision_id"));
    }
}
