package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.store.Database;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transparency report (DSA Art 15, 24) counts a known set of orders, notices, decisions,
 * complaints and recipients exactly — JSON, CSV and the public page alike — excludes them from
 * another period, names no one, and is for moderators and admins only until an admin publishes it.
 */
class TransparencyReportIT {

    static Api login(TestServer ts, String handle) {
        return ts.api().withToken(ts.api().post("/api/v1/auth/tokens", Map.of("handle", handle,
                "password", "a very long secret")).json().get("token").asText());
    }

    static void createUser(Path data, String handle, String role) {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", handle, "--role", role,
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
    }

    static Map<String, Object> decision(String action, String ground, String automated) {
        Map<String, Object> m = new HashMap<>(Map.of("action", action, "ground", ground,
                "explanation", "The speaker threatened a named neighbour.", "territorialScope", List.of("EU"),
                "automatedDecision", automated));
        if (ground.equals("illegal")) {
            m.put("legalGround", "Criminal code, art. 184");
        } else {
            m.put("termsVersion", "2026-01");
            m.put("termsClause", "4.2 Incitement");
        }
        return m;
    }

    static Map<String, Object> order(String kind, String state, String space) {
        return Map.of("kind", kind, "authority", "Hellenic Police, Cybercrime Division", "memberState", state,
                "reference", "ORD-" + kind.length() + state, "legalBasis", "Law 4624/2019 art. 12", "category", "violence",
                "spaceId", space, "territorialScope", List.of(state));
    }

    @Test
    void theReportCountsEveryOrderNoticeDecisionComplaintAndRecipientOfThePeriodAndNamesNoOne(@TempDir Path data)
            throws Exception {
        createUser(data, "trf_admin", "admin");
        createUser(data, "trf_mod", "moderator");
        createUser(data, "trf_mod2", "moderator");
        createUser(data, "trf_flagger", "trusted_flagger");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Api admin = login(ts, "trf_admin");
            Api mod = login(ts, "trf_mod");
            Api mod2 = login(ts, "trf_mod2");
            Api flagger = login(ts, "trf_flagger");
            Api host = ts.api().registerAndLogin("trf_host");
            Api someone = ts.api().registerAndLogin("trf_someone");
            Api listener = ts.api().registerAndLogin("trf_listener");
            // Only signing in (for a token) does not make a recipient; using the service does.
            assertThat(admin.get("/api/v1/moderation/orders").json().get("orders")).isEmpty();
            String s1 = host.post("/api/v1/spaces", Map.of("title", "Debate one")).json().at("/space/id").asText();
            String s2 = host.post("/api/v1/spaces", Map.of("title", "Debate two")).json().at("/space/id").asText();
            String s3 = host.post("/api/v1/spaces", Map.of("title", "Debate three")).json().at("/space/id").asText();

            // Listeners: one signed in, two anonymous (one joins twice: still one recipient).
            assertThat(listener.post("/api/v1/spaces/" + s1 + "/join").json().get("state").asText()).isEqualTo("admitted");
            for (String anon : List.of("anon-listener-0001", "anon-listener-0001", "anon-listener-0002")) {
                Api.Res joined = ts.api().post("/api/v1/spaces/" + s1 + "/join", Map.of("listener", anon));
                assertThat(joined.json().get("state").asText()).as(joined.text()).isEqualTo("admitted");
            }

            // Notices: anonymous with two items, a trusted flagger's, an anonymous CSAM one, a signed-in user's.
            Map<String, Object> named = Map.of("name", "Nora Notifier", "email", "nora@example.org");
            String n1 = ts.api().post("/api/v1/notices", NoticesIT.notice("violence", List.of(NoticesIT.audioItem(s1),
                    Map.of("kind", "space_text", "spaceId", s1)), named)).json().get("id").asText();
            String n2 = flagger.post("/api/v1/notices", NoticesIT.notice("illegal_or_harmful_speech",
                    List.of(NoticesIT.audioItem(s2)), Map.of())).json().get("id").asText();
            String n3 = ts.api().post("/api/v1/notices", NoticesIT.notice("child_sexual_abuse_material",
                    List.of(Map.of("kind", "user_profile", "userHandle", "trf_someone")), Map.of())).json().get("id").asText();
            String n4 = someone.post("/api/v1/notices", NoticesIT.notice("scams_and_fraud", List.of(NoticesIT.audioItem(s3)),
                    Map.of())).json().get("id").asText();

            // Decisions on notices: terms (demote), law (end the space, partly automated), no action; one left open.
            String d1 = decide(mod, n1, decision("demote", "terms", "not_automated"));
            String d2 = decide(mod, n2, decision("end_space", "illegal", "partially"));
            String d3 = decide(mod, n3, decision("no_action", "illegal", "not_automated"));

            // Own-initiative measures: their API is not on this branch yet, so they go in as rows.
            String hostId;
            try (Database db = Database.open(ts.config().db())) {
                hostId = db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE handle = 'trf_host'")
                        .mapTo(String.class).one());
                String modId = db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE handle = 'trf_mod'")
                        .mapTo(String.class).one());
                ownInitiative(db, "own-suspend", modId, hostId, "suspend_account", "terms", true, "not_automated");
                ownInitiative(db, "own-label", modId, hostId, "label", "illegal", true, "fully");
                ownInitiative(db, "own-demote", modId, hostId, "demote", "terms", false, "not_automated");
                ownInitiative(db, "own-nothing", modId, null, "no_action", "terms", false, "not_automated");
            }

            // Complaints: the host appeals three decisions; a second moderator reverses one and upholds one.
            String a1 = appeal(host, d1);
            String a2 = appeal(host, d2);
            String a3 = appeal(host, "own-suspend");
            assertThat(mod2.post("/api/v1/moderation/appeals/" + a1 + "/decision", Map.of("outcome", "reversed",
                    "reply", "In context the quote criticises violence.")).status()).isEqualTo(200);
            assertThat(mod2.post("/api/v1/moderation/appeals/" + a2 + "/decision", Map.of("outcome", "upheld",
                    "reply", "The threat was explicit; the decision stands.")).status()).isEqualTo(200);

            // Orders: one given effect, one acknowledged, one just received.
            String o1 = created(mod.post("/api/v1/moderation/orders", order("act_against_illegal_content", "GR", s2)));
            String o2 = created(mod.post("/api/v1/moderation/orders", order("provide_information", "DE", s1)));
            created(mod.post("/api/v1/moderation/orders", order("act_against_illegal_content", "GR", s3)));
            assertThat(mod.post("/api/v1/moderation/orders/" + o1 + "/acknowledge").status()).isEqualTo(200);
            assertThat(mod.post("/api/v1/moderation/orders/" + o1 + "/effect", Map.of("effect", "The space was ended.",
                    "decisionId", d2)).json().get("state").asText()).isEqualTo("EFFECTED");
            assertThat(mod.post("/api/v1/moderation/orders/" + o2 + "/acknowledge").status()).isEqualTo(200);

            // Known times, so the medians are exact: everything on the 2nd of this month from 06:00.
            YearMonth month = YearMonth.now(ZoneOffset.UTC);
            Instant t0 = month.atDay(2).atTime(6, 0).toInstant(ZoneOffset.UTC);
            try (Database db = Database.open(ts.config().db())) {
                db.jdbi().useHandle(h -> {
                    for (String n : List.of(n1, n2, n3, n4)) {
                        h.createUpdate("UPDATE notices SET received_at = :t WHERE id = :id").bind("t", at(t0, 0)).bind("id", n)
                                .execute();
                    }
                    setTime(h, "decisions", "decided_at", d1, at(t0, 600));
                    setTime(h, "decisions", "decided_at", d2, at(t0, 1200));
                    setTime(h, "decisions", "decided_at", d3, at(t0, 3000));
                    h.createUpdate("UPDATE decisions SET decided_at = :t WHERE notice_id IS NULL").bind("t", at(t0, 100)).execute();
                    h.createUpdate("UPDATE appeals SET filed_at = :t").bind("t", at(t0, 10_000)).execute();
                    setTime(h, "appeals", "decided_at", a1, at(t0, 10_000 + 86_400));
                    setTime(h, "appeals", "decided_at", a2, at(t0, 10_000 + 43_200));
                    h.createUpdate("UPDATE authority_orders SET received_at = :t").bind("t", at(t0, 0)).execute();
                    setTime(h, "authority_orders", "acknowledged_at", o1, at(t0, 3600));
                    setTime(h, "authority_orders", "effected_at", o1, at(t0, 7200));
                    setTime(h, "authority_orders", "acknowledged_at", o2, at(t0, 1800));
                    // Five people were active last month (as hashes, the way the server stores them).
                    for (int i = 0; i < 5; i++) {
                        h.createUpdate("INSERT INTO active_recipients (month_key, recipient) VALUES (:m, :r)")
                                .bind("m", month.minusMonths(1).toString()).bind("r", "0000000000000000000000000000000" + i)
                                .execute();
                    }
                });
            }

            LocalDate from = month.atDay(1);
            LocalDate to = month.atEndOfMonth();
            Api.Res res = mod.get("/api/v1/admin/transparency-report?from=" + from + "&to=" + to);
            assertThat(res.status()).as(res.text()).isEqualTo(200);
            JsonNode r = res.json().get("sections");

            JsonNode orders = r.get("orders");
            assertThat(orders.get("received").asLong()).isEqualTo(3);
            assertThat(orders.at("/received_by_type/act_against_illegal_content").asLong()).isEqualTo(2);
            assertThat(orders.at("/received_by_type/provide_information").asLong()).isEqualTo(1);
            assertThat(orders.at("/received_by_member_state/GR").asLong()).isEqualTo(2);
            assertThat(orders.at("/received_by_member_state/DE").asLong()).isEqualTo(1);
            assertThat(orders.at("/received_by_category/violence").asLong()).isEqualTo(3);
            assertThat(orders.get("acknowledged").asLong()).isEqualTo(2);
            assertThat(orders.get("median_seconds_to_acknowledge").asDouble()).isEqualTo(2700.0);
            assertThat(orders.get("given_effect").asLong()).isEqualTo(1);
            assertThat(orders.get("not_given_effect").asLong()).isZero();
            assertThat(orders.get("median_seconds_to_give_effect").asDouble()).isEqualTo(7200.0);

            JsonNode notices = r.get("notices");
            assertThat(notices.get("received").asLong()).isEqualTo(4);
            assertThat(notices.get("received_from_trusted_flaggers").asLong()).isEqualTo(1);
            assertThat(notices.at("/received_by_category/violence").asLong()).isEqualTo(1);
            assertThat(notices.at("/received_by_category/child_sexual_abuse_material").asLong()).isEqualTo(1);
            assertThat(notices.at("/received_by_category/protection_of_minors").asLong()).isZero();
            assertThat(notices.at("/received_by_category_from_trusted_flaggers/illegal_or_harmful_speech").asLong())
                    .isEqualTo(1);
            assertThat(notices.at("/received_by_category_from_trusted_flaggers/violence").asLong()).isZero();
            assertThat(notices.get("items").asLong()).isEqualTo(5);
            assertThat(notices.get("decided").asLong()).isEqualTo(3);
            assertThat(notices.get("actions_taken").asLong()).isEqualTo(2);
            assertThat(notices.get("actions_on_basis_of_law").asLong()).isEqualTo(1);
            assertThat(notices.get("actions_on_basis_of_terms").asLong()).isEqualTo(1);
            assertThat(notices.get("actions_on_trusted_flagger_notices").asLong()).isEqualTo(1);
            assertThat(notices.at("/decisions_by_action/demote").asLong()).isEqualTo(1);
            assertThat(notices.at("/decisions_by_action/end_space").asLong()).isEqualTo(1);
            assertThat(notices.at("/decisions_by_action/no_action").asLong()).isEqualTo(1);
            assertThat(notices.at("/decisions_by_action/suspend_account").asLong()).isZero();
            assertThat(notices.get("processed_by_automated_means").asLong()).isEqualTo(1);
            assertThat(notices.get("median_seconds_to_decision").asDouble()).isEqualTo(1200.0);

            JsonNode own = r.get("own_initiative");
            assertThat(own.get("measures").asLong()).isEqualTo(3);
            assertThat(own.at("/by_type_of_restriction/suspend_account").asLong()).isEqualTo(1);
            assertThat(own.at("/by_type_of_restriction/label").asLong()).isEqualTo(1);
            assertThat(own.at("/by_type_of_restriction/demote").asLong()).isEqualTo(1);
            assertThat(own.at("/by_type_of_restriction/end_space").asLong()).isZero();
            assertThat(own.at("/by_ground/illegal").asLong()).isEqualTo(1);
            assertThat(own.at("/by_ground/terms").asLong()).isEqualTo(2);
            assertThat(own.get("detected_by_automated_means").asLong()).isEqualTo(2);
            assertThat(own.at("/by_automated_decision/fully").asLong()).isEqualTo(1);
            assertThat(own.at("/by_automated_decision/not_automated").asLong()).isEqualTo(2);

            JsonNode complaints = r.get("complaints");
            assertThat(complaints.get("received").asLong()).isEqualTo(3);
            assertThat(complaints.at("/received_by_appellant_role/affected").asLong()).isEqualTo(3);
            assertThat(complaints.at("/received_by_ground/terms").asLong()).isEqualTo(2);
            assertThat(complaints.at("/received_by_ground/illegal").asLong()).isEqualTo(1);
            assertThat(complaints.get("decided").asLong()).isEqualTo(2);
            assertThat(complaints.get("decision_upheld").asLong()).isEqualTo(1);
            assertThat(complaints.get("decision_reversed").asLong()).isEqualTo(1);
            assertThat(complaints.get("median_seconds_to_decide").asDouble()).isEqualTo(64_800.0);

            assertThat(r.at("/suspensions/imposed_under_art23/art23_illegal_content").asLong()).isZero();
            assertThat(r.at("/suspensions/imposed_under_art23/art23_unfounded_notices").asLong()).isZero();

            // Recipients this month: the 7 signed-in users who used the service, and 2 anonymous listeners.
            JsonNode recipients = r.get("recipients");
            assertThat(recipients.at("/monthly_active/" + month).asLong()).isEqualTo(9);
            assertThat(recipients.get("average_monthly_active").asDouble()).isEqualTo(9.0);
            assertThat(recipients.get("average_monthly_active_past_six_months").asDouble()).isEqualTo(2.3); // (5 + 9) / 6
            JsonNode twoMonths = mod.get("/api/v1/admin/transparency-report?from=" + month.minusMonths(1).atDay(1)
                    + "&to=" + to).json().at("/sections/recipients");
            assertThat(twoMonths.get("average_monthly_active").asDouble()).isEqualTo(7.0);

            // The month before holds none of it.
            JsonNode before = mod.get("/api/v1/admin/transparency-report?from=" + month.minusMonths(1).atDay(1) + "&to="
                    + month.minusMonths(1).atEndOfMonth()).json().get("sections");
            assertThat(before.at("/orders/received").asLong()).isZero();
            assertThat(before.at("/orders/median_seconds_to_acknowledge").isNull()).isTrue();
            assertThat(before.at("/notices/received").asLong()).isZero();
            assertThat(before.at("/notices/decided").asLong()).isZero();
            assertThat(before.at("/own_initiative/measures").asLong()).isZero();
            assertThat(before.at("/complaints/received").asLong()).isZero();
            assertThat(before.at("/recipients/monthly_active/" + month.minusMonths(1)).asLong()).isEqualTo(5);

            // The CSV has the same figures, one row each.
            Api.Res csv = mod.get("/api/v1/admin/transparency-report?from=" + from + "&to=" + to + "&format=csv");
            assertThat(csv.header("Content-Type")).startsWith("text/csv");
            Map<String, String> rows = csvRows(csv.text());
            assertThat(rows).containsEntry("orders/median_seconds_to_acknowledge/", "2700")
                    .containsEntry("notices/received_from_trusted_flaggers/", "1")
                    .containsEntry("notices/received_by_category/violence", "1")
                    .containsEntry("complaints/median_seconds_to_decide/", "64800")
                    .containsEntry("recipients/monthly_active/" + month, "9")
                    .containsEntry("recipients/average_monthly_active_past_six_months/", "2.3");
            assertThat(rows).hasSize(count(r));
            Api.Res byAccept = mod.send(HttpRequest.newBuilder(URI.create(ts.baseUrl()
                    + "/api/v1/admin/transparency-report?from=" + from + "&to=" + to)).header("Accept", "text/csv"));
            assertThat(csvRows(byAccept.text())).isEqualTo(rows);

            // No personal data in any export.
            for (String export : List.of(res.text(), csv.text())) {
                assertThat(export).doesNotContain("trf_", "Nora", "nora@", hostId, s1, s2, s3, "Hellenic", "Debate");
            }

            // Only moderators and admins see it; only admins publish it.
            String query = "/api/v1/admin/transparency-report?from=" + from + "&to=" + to;
            assertThat(someone.get(query).status()).isEqualTo(403);
            assertThat(ts.api().get(query).status()).isEqualTo(401);
            assertThat(mod.get("/api/v1/admin/transparency-report?from=" + to + "&to=" + from).error())
                    .isEqualTo("invalid_period");
            Api.Res bad = mod.get("/api/v1/admin/transparency-report?from=2026-13-01&to=" + to);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.error()).isEqualTo("invalid_period");
            assertThat(mod.get("/api/v1/admin/transparency-report?to=" + to).error()).isEqualTo("invalid_period");
            assertThat(mod.get(query + "&format=xml").error()).isEqualTo("invalid_format");

            // Nothing public until published; then the page shows the figures as charts.
            assertThat(ts.api().get("/transparency").text()).contains("No report has been published yet");
            Map<String, String> period = Map.of("from", from.toString(), "to", to.toString());
            assertThat(mod.post("/api/v1/admin/transparency-reports", period).status()).isEqualTo(403);
            assertThat(admin.post("/api/v1/admin/transparency-reports", Map.of("from", to.toString(), "to", from.toString()))
                    .error()).isEqualTo("invalid_period");
            Api.Res published = admin.post("/api/v1/admin/transparency-reports", period);
            assertThat(published.status()).as(published.text()).isEqualTo(201);
            String reportId = published.json().get("id").asText();
            JsonNode listed = ts.api().get("/api/v1/transparency-reports").json().get("reports");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("from").asText()).isEqualTo(from.toString());
            JsonNode snapshot = ts.api().get("/api/v1/transparency-reports/" + reportId).json();
            assertThat(snapshot.at("/sections/notices/median_seconds_to_decision").asDouble()).isEqualTo(1200.0);
            assertThat(snapshot.at("/sections/orders/received").asLong()).isEqualTo(3);
            assertThat(csvRows(ts.api().get("/api/v1/transparency-reports/" + reportId + "?format=csv").text()))
                    .isEqualTo(rows);
            assertThat(ts.api().get("/api/v1/transparency-reports/nope").status()).isEqualTo(404);

            Api.Res page = ts.api().get("/transparency");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.text()).contains("<svg", "Orders from Member States", "Received by member state",
                    ">GR</text>", "Median time to decision", "1200 s (20 minutes)",
                    "Average monthly active recipients", from + " to " + to)
                    .doesNotContain("trf_", "Nora", hostId, s1, "<script", "http://", "https://");
            assertThat(ts.api().get("/transparency?report=" + reportId).status()).isEqualTo(200);
            assertThat(ts.api().get("/transparency?report=nope").status()).isEqualTo(404);
        }
    }

    static String created(Api.Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static String decide(Api mod, String notice, Map<String, Object> body) {
        Api.Res r = mod.post("/api/v1/moderation/notices/" + notice + "/decision", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static String appeal(Api user, String decision) {
        Api.Res r = user.post("/api/v1/me/statements/" + decision + "/appeal", Map.of("explanation",
                "The decision misreads what was said; listen to the minute before."));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static void ownInitiative(Database db, String id, String by, String affected, String action, String ground,
            boolean detected, String automated) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO decisions (id, notice_id, decided_by, decided_at, action, space_id, affected_user_id, ground,
                    legal_ground, terms_version, terms_clause, explanation, territorial_scope, automated_detection,
                    automated_decision)
                VALUES (:id, NULL, :by, :at, :action, NULL, :affected, :ground, :legal, :version, :clause,
                    'Found by our own review.', 'EU', :detected, :automated)""")
                .bind("id", id).bind("by", by).bind("at", Timestamp.from(Instant.now())).bind("action", action)
                .bind("affected", affected).bind("ground", ground)
                .bind("legal", ground.equals("illegal") ? "Criminal code, art. 184" : null)
                .bind("version", ground.equals("terms") ? "2026-01" : null)
                .bind("clause", ground.equals("terms") ? "4.2 Incitement" : null)
                .bind("detected", detected).bind("automated", automated).execute());
    }

    private static Timestamp at(Instant t0, long seconds) {
        return Timestamp.from(t0.plusSeconds(seconds));
    }

    private static void setTime(org.jdbi.v3.core.Handle h, String table, String column, String id, Timestamp t) {
        assertThat(h.createUpdate("UPDATE " + table + " SET " + column + " = :t WHERE id = :id").bind("t", t).bind("id", id)
                .execute()).isEqualTo(1);
    }

    /** CSV rows as {@code section/metric/dimension -> value}. */
    static Map<String, String> csvRows(String csv) {
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo("period_from,period_to,section,metric,dimension,value");
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertThat(f).hasSize(6);
            out.put(f[2] + "/" + f[3] + "/" + f[4], f[5]);
        }
        return out;
    }

    /** Figures in the JSON sections (each leaf is one). */
    private static int count(JsonNode node) {
        if (!node.isObject()) {
            return 1;
        }
        int n = 0;
        for (JsonNode child : node) {
            n += count(child);
        }
        return n;
    }
}
