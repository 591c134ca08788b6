package io.stentor.safety;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Computes a {@link TransparencyReport} from the registers: each thing counts in the period in
 * which it happened (an order when received, acknowledged or given effect; a notice when received;
 * a decision when taken; a complaint when filed or decided), and each median is over the steps
 * completed in the period. Reads only counts and timestamps, never who. Thread-safe.
 */
public final class TransparencyFigures {

    /** Every decision action, so a report lists each one (zeros included) in a stable order. */
    static final List<String> ACTIONS = List.of("no_action", "label", "demote", "age_restrict", "mute_speaker",
            "remove_speaker", "end_space", "remove_replay", "cut_replay", "suspend_account", "terminate_account");
    static final List<String> ART23_BASES = List.of("art23_illegal_content", "art23_unfounded_notices",
            "art23_unfounded_complaints");

    private final Jdbi jdbi;
    private final ActiveRecipients recipients;
    private final Clock clock;

    public TransparencyFigures(Jdbi jdbi, ActiveRecipients recipients, Clock clock) {
        this.jdbi = jdbi;
        this.recipients = recipients;
        this.clock = clock;
    }

    /** The report for the days {@code from} to {@code to}, inclusive. */
    public TransparencyReport report(LocalDate from, LocalDate to) {
        Instant a = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant b = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<TransparencyReport.Figure> out = new ArrayList<>();
        jdbi.useHandle(h -> {
            Period p = new Period(h, Timestamp.from(a), Timestamp.from(b), out);
            orders(p);
            notices(p);
            ownInitiative(p);
            complaints(p);
            suspensions(p);
        });
        recipientsFigures(from, to, out);
        return new TransparencyReport(from, to, clock.instant(), List.copyOf(out));
    }

    private void orders(Period p) {
        String s = "orders";
        p.add(s, "received", p.count("SELECT COUNT(*) FROM authority_orders WHERE received_at >= :a AND received_at < :b"));
        p.grouped(s, "received_by_type", "SELECT kind, COUNT(*) FROM authority_orders WHERE received_at >= :a "
                + "AND received_at < :b GROUP BY kind", Orders.KINDS.stream().sorted().toList());
        p.grouped(s, "received_by_member_state", "SELECT member_state, COUNT(*) FROM authority_orders WHERE received_at >= :a "
                + "AND received_at < :b GROUP BY member_state", List.of());
        p.grouped(s, "received_by_category", "SELECT category, COUNT(*) FROM authority_orders WHERE received_at >= :a "
                + "AND received_at < :b GROUP BY category", SafetyService.CATEGORIES.stream().sorted().toList());
        List<long[]> acks = p.spans("SELECT received_at, acknowledged_at FROM authority_orders "
                + "WHERE acknowledged_at >= :a AND acknowledged_at < :b");
        p.add(s, "acknowledged", acks.size());
        p.add(s, "median_seconds_to_acknowledge", median(acks));
        List<long[]> given = p.spans("SELECT received_at, effected_at FROM authority_orders "
                + "WHERE effected_at >= :a AND effected_at < :b AND given_effect = TRUE");
        p.add(s, "given_effect", given.size());
        p.add(s, "not_given_effect", p.count("SELECT COUNT(*) FROM authority_orders WHERE effected_at >= :a "
                + "AND effected_at < :b AND given_effect = FALSE"));
        p.add(s, "median_seconds_to_give_effect", median(given));
    }

    private void notices(Period p) {
        String s = "notices";
        p.add(s, "received", p.count("SELECT COUNT(*) FROM notices WHERE received_at >= :a AND received_at < :b"));
        p.add(s, "received_from_trusted_flaggers", p.count("SELECT COUNT(*) FROM notices WHERE received_at >= :a "
                + "AND received_at < :b AND trusted = TRUE"));
        List<String> categories = SafetyService.CATEGORIES.stream().sorted().toList();
        p.grouped(s, "received_by_category", "SELECT category, COUNT(*) FROM notices WHERE received_at >= :a "
                + "AND received_at < :b GROUP BY category", categories);
        p.grouped(s, "received_by_category_from_trusted_flaggers", "SELECT category, COUNT(*) FROM notices "
                + "WHERE received_at >= :a AND received_at < :b AND trusted = TRUE GROUP BY category", categories);
        p.add(s, "items", p.count("SELECT COUNT(*) FROM notice_items i JOIN notices n ON n.id = i.notice_id "
                + "WHERE n.received_at >= :a AND n.received_at < :b"));
        List<DecisionFacts> decided = p.decisions("SELECT d.action, d.ground, d.automated_detection, d.automated_decision, "
                + "n.trusted, n.received_at AS started, d.decided_at FROM decisions d JOIN notices n ON n.id = d.notice_id "
                + "WHERE d.decided_at >= :a AND d.decided_at < :b");
        List<DecisionFacts> actions = decided.stream().filter(DecisionFacts::restricts).toList();
        p.add(s, "decided", decided.size());
        p.add(s, "actions_taken", actions.size());
        p.add(s, "actions_on_basis_of_law", count(actions, d -> d.ground.equals("illegal")));
        p.add(s, "actions_on_basis_of_terms", count(actions, d -> d.ground.equals("terms")));
        p.add(s, "actions_on_trusted_flagger_notices", count(actions, d -> d.trusted));
        p.tally(s, "decisions_by_action", decided.stream().map(d -> d.action).toList(), ACTIONS);
        p.add(s, "processed_by_automated_means", count(decided, d -> !d.automatedDecision.equals("not_automated")));
        p.add(s, "median_seconds_to_decision", median(decided.stream().map(d -> d.span).toList()));
    }

    private void ownInitiative(Period p) {
        String s = "own_initiative";
        List<DecisionFacts> measures = p.decisions("SELECT action, ground, automated_detection, automated_decision, "
                + "FALSE AS trusted, decided_at AS started, decided_at FROM decisions WHERE notice_id IS NULL "
                + "AND decided_at >= :a AND decided_at < :b").stream().filter(DecisionFacts::restricts).toList();
        p.add(s, "measures", measures.size());
        p.tally(s, "by_type_of_restriction", measures.stream().map(d -> d.action).toList(),
                ACTIONS.subList(1, ACTIONS.size()));
        p.tally(s, "by_ground", measures.stream().map(d -> d.ground).toList(), List.of("illegal", "terms"));
        p.add(s, "detected_by_automated_means", count(measures, d -> d.automatedDetection));
        p.tally(s, "by_automated_decision", measures.stream().map(d -> d.automatedDecision).toList(),
                List.of("fully", "partially", "not_automated"));
    }

    private void complaints(Period p) {
        String s = "complaints";
        p.add(s, "received", p.count("SELECT COUNT(*) FROM appeals WHERE filed_at >= :a AND filed_at < :b"));
        if (p.hasColumn("appeals", "appellant_role")) {
            p.grouped(s, "received_by_appellant_role", "SELECT appellant_role, COUNT(*) FROM appeals WHERE filed_at >= :a "
                    + "AND filed_at < :b GROUP BY appellant_role", List.of("affected", "notifier"));
        } else { // before notifiers could appeal, every appellant was the affected user
            p.add(s, "received_by_appellant_role", "affected", p.count("SELECT COUNT(*) FROM appeals WHERE filed_at >= :a "
                    + "AND filed_at < :b"));
            p.add(s, "received_by_appellant_role", "notifier", 0L);
        }
        p.grouped(s, "received_by_ground", "SELECT d.ground, COUNT(*) FROM appeals a JOIN decisions d ON d.id = a.decision_id "
                + "WHERE a.filed_at >= :a AND a.filed_at < :b GROUP BY d.ground", List.of("illegal", "terms"));
        List<long[]> decided = p.spans("SELECT filed_at, decided_at FROM appeals WHERE decided_at >= :a AND decided_at < :b");
        p.add(s, "decided", decided.size());
        p.add(s, "decision_upheld", p.count("SELECT COUNT(*) FROM appeals WHERE decided_at >= :a AND decided_at < :b "
                + "AND state = 'UPHELD'"));
        p.add(s, "decision_reversed", p.count("SELECT COUNT(*) FROM appeals WHERE decided_at >= :a AND decided_at < :b "
                + "AND state = 'REVERSED'"));
        p.add(s, "median_seconds_to_decide", median(decided));
    }

    private void suspensions(Period p) {
        String s = "suspensions";
        if (p.hasColumn("account_restrictions", "basis")) {
            p.grouped(s, "imposed_under_art23", "SELECT basis, COUNT(*) FROM account_restrictions WHERE basis LIKE 'art23_%' "
                    + "AND starts_at >= :a AND starts_at < :b GROUP BY basis", ART23_BASES);
        } else { // no Art 23 measures exist on this server yet
            ART23_BASES.forEach(basis -> p.add(s, "imposed_under_art23", basis, 0L));
        }
    }

    private void recipientsFigures(LocalDate from, LocalDate to, List<TransparencyReport.Figure> out) {
        YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        YearMonth last = YearMonth.from(to).isAfter(now) ? now : YearMonth.from(to);
        Map<YearMonth, Long> months = recipients.monthly(YearMonth.from(from), last);
        months.forEach((m, n) -> out.add(new TransparencyReport.Figure("recipients", "monthly_active", m.toString(), n)));
        out.add(new TransparencyReport.Figure("recipients", "average_monthly_active", "", average(months.values())));
        out.add(new TransparencyReport.Figure("recipients", "average_monthly_active_past_six_months", "",
                average(recipients.monthly(last.minusMonths(5), last).values())));
    }

    private static Double average(Collection<Long> values) {
        return values.isEmpty() ? null : round(values.stream().mapToLong(Long::longValue).sum() / (double) values.size());
    }

    /** The median of the spans' lengths in seconds, or null for none. */
    static Double median(List<long[]> spans) {
        if (spans.isEmpty()) {
            return null;
        }
        long[] ms = spans.stream().mapToLong(s -> s[1] - s[0]).sorted().toArray();
        int mid = ms.length / 2;
        double median = ms.length % 2 == 1 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2.0;
        return round(median / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static <T> long count(List<T> items, Predicate<T> p) {
        return items.stream().filter(p).count();
    }

    /** A decision as the report sees it: what, on which ground, how automated, and how long it took. */
    private record DecisionFacts(String action, String ground, boolean automatedDetection, String automatedDecision,
            boolean trusted, long[] span) {
        boolean restricts() {
            return !action.equals("no_action");
        }
    }

    /** The queries of one report: the period's bounds bound into each, the figures collected. */
    private record Period(Handle h, Timestamp a, Timestamp b, List<TransparencyReport.Figure> out) {

        void add(String section, String metric, Number value) {
            add(section, metric, "", value);
        }

        void add(String section, String metric, String dimension, Number value) {
            out.add(new TransparencyReport.Figure(section, metric, dimension, value));
        }

        long count(String sql) {
            return h.createQuery(sql).bind("a", a).bind("b", b).mapTo(Long.class).one();
        }

        /** A {@code SELECT key, COUNT(*) ... GROUP BY key}: each of {@code always} (zeros too), then any other key. */
        void grouped(String section, String metric, String sql, List<String> always) {
            Map<String, Long> counts = new LinkedHashMap<>();
            always.forEach(k -> counts.put(k, 0L));
            h.createQuery(sql).bind("a", a).bind("b", b).map((rs, ctx) -> Map.entry(String.valueOf(rs.getString(1)),
                    rs.getLong(2))).list().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            counts.forEach((k, n) -> add(section, metric, k, n));
        }

        void tally(String section, String metric, List<String> values, List<String> always) {
            Map<String, Long> counts = new LinkedHashMap<>();
            always.forEach(k -> counts.put(k, 0L));
            values.stream().sorted().forEach(v -> counts.merge(v, 1L, Long::sum));
            counts.forEach((k, n) -> add(section, metric, k, n));
        }

        List<long[]> spans(String sql) {
            return h.createQuery(sql).bind("a", a).bind("b", b).map((rs, ctx) -> new long[] {
                rs.getTimestamp(1).getTime(), rs.getTimestamp(2).getTime()}).list();
        }

        List<DecisionFacts> decisions(String sql) {
            return h.createQuery(sql).bind("a", a).bind("b", b).map((rs, ctx) -> new DecisionFacts(rs.getString("action"),
                    rs.getString("ground"), rs.getBoolean("automated_detection"), rs.getString("automated_decision"),
                    rs.getBoolean("trusted"), new long[] {rs.getTimestamp("started").getTime(),
                        rs.getTimestamp("decided_at").getTime()})).list();
        }

        /** Whether the schema has this column (tables other branches add may not exist yet). */
        boolean hasColumn(String table, String column) {
            try {
                DatabaseMetaData md = h.getConnection().getMetaData();
                for (String[] names : Arrays.asList(new String[] {table, column},
                        new String[] {table.toUpperCase(java.util.Locale.ROOT), column.toUpperCase(java.util.Locale.ROOT)})) {
                    try (ResultSet rs = md.getColumns(null, null, names[0], names[1])) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                }
                return false;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the database schema", e);
            }
        }
    }
}
