package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox against a local stand-in for the Transparency Database that enforces its rules
 * (token, batch size, fields and values, no nulls, unique puid) and starts with a 429: every
 * restriction arrives exactly once, also across a restart.
 */
class TdbSubmitterIT {

    /** The database's answer to a puid it has already (its documentation, "PUID Error"). */
    static final String DUPLICATE = "The identifier given is not unique within this platform.";
    static final Set<String> VISIBILITY = Set.of("DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
            "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
            "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER");
    static final Set<String> CATEGORIES = Set.of("STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
            "STATEMENT_CATEGORY_CYBER_VIOLENCE", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
            "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE");

    /** A stand-in for the database's API: what it accepted, how often it was asked. */
    static final class FakeTdb implements AutoCloseable {
        final HttpServer http;
        final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
        final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger tooMany = new AtomicInteger();
        final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

        FakeTdb() throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/api/v1/statements", this::handle);
            http.start();
        }

        String base() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        void handle(HttpExchange ex) throws IOException {
            try (ex) {
                if (requests.incrementAndGet() == 1) {
                    tooMany.incrementAndGet();
                    ex.getResponseHeaders().add("Retry-After", "1");
                    answer(ex, 429, "{\"message\":\"Too Many Attempts.\"}");
                    return;
                }
                if (!"Bearer tdb-test-token".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    answer(ex, 401, "{\"message\":\"Unauthenticated.\"}");
                    return;
                }
                JsonNode batch = Api.JSON.readTree(ex.getRequestBody()).get("statements");
                if (batch == null || !batch.isArray() || batch.isEmpty() || batch.size() > 100) {
                    answer(ex, 422, "{\"message\":\"statements must hold 1 to 100\"}");
                    return;
                }
                // As the real one: errors indexed by the statement's position, none created if any is wrong.
                for (int i = 0; i < batch.size(); i++) {
                    String problem = problem(batch.get(i));
                    if (problem != null) {
                        refusals.add(problem);
                        String field = problem.equals(DUPLICATE) ? "puid" : "statement";
                        answer(ex, 422, "{\"message\":\"" + problem + "\",\"errors\":{\"statement_" + i + "\":{\"" + field
                                + "\":[\"" + problem + "\"]}}}");
                        return;
                    }
                }
                for (JsonNode s : batch) {
                    accepted.computeIfAbsent(s.get("puid").asText(), k -> new AtomicInteger()).incrementAndGet();
                    bodies.put(s.get("puid").asText(), s);
                }
                answer(ex, 201, "{\"statements\":[]}");
            }
        }

        String problem(JsonNode s) {
            for (var it = s.fields(); it.hasNext();) {
                if (it.next().getValue().isNull()) {
                    return "null value";
                }
            }
            String puid = s.path("puid").asText("");
            if (!puid.matches("^[a-zA-Z0-9-_]+$") || puid.length() > 500) {
                return "bad puid";
            }
            if (accepted.containsKey(puid)) {
                return DUPLICATE;
            }
            if (!s.has("decision_visibility") && !s.has("decision_monetary") && !s.has("decision_provision")
                    && !s.has("decision_account")) {
                return "no decision";
            }
            for (JsonNode v : s.path("decision_visibility")) {
                if (!VISIBILITY.contains(v.asText())) {
                    return "decision_visibility " + v.asText();
                }
            }
            if (s.has("decision_account") && !Set.of("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
                    .contains(s.path("decision_account").asText())) {
                return "decision_account";
            }
            if (s.has("decision_provision") && !s.path("decision_provision").asText().matches(
                    "DECISION_PROVISION_(PARTIAL|TOTAL)_(SUSPENSION|TERMINATION)")) {
                return "decision_provision";
            }
            if (s.has("end_date_account_restriction") && (!s.path("end_date_account_restriction").asText().matches("\\d{4}-\\d{2}-\\d{2}")
                    || s.path("end_date_account_restriction").asText().compareTo(s.path("application_date").asText()) < 0)) {
                return "end_date_account_restriction";
            }
            if (s.path("source_type").asText().equals("SOURCE_VOLUNTARY") && s.has("source_identity")) {
                return "source_identity with SOURCE_VOLUNTARY";
            }
            if (!CATEGORIES.contains(s.path("category").asText())) {
                return "category " + s.path("category").asText();
            }
            String ground = s.path("decision_ground").asText();
            if (ground.equals("DECISION_GROUND_ILLEGAL_CONTENT") ? !s.has("illegal_content_legal_ground")
                    || !s.has("illegal_content_explanation")
                    : !ground.equals("DECISION_GROUND_INCOMPATIBLE_CONTENT") || !s.has("incompatible_content_ground")
                    || !s.has("incompatible_content_explanation")) {
                return "decision ground";
            }
            for (String date : new String[] {"application_date", "content_date"}) {
                if (!s.path(date).asText().matches("\\d{4}-\\d{2}-\\d{2}")) {
                    return date;
                }
            }
            if (!s.path("content_type").isArray() || !s.path("territorial_scope").isArray()) {
                return "arrays";
            }
            for (JsonNode c : s.path("territorial_scope")) {
                if (!c.asText().matches("[A-Z]{2}") || c.asText().equals("EL")) {
                    return "territorial scope";
                }
            }
            if (!Set.of("SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY")
                    .contains(s.path("source_type").asText())
                    || !Set.of("Yes", "No").contains(s.path("automated_detection").asText())
                    || !s.path("automated_decision").asText().startsWith("AUTOMATED_DECISION_")) {
                return "source or automation";
            }
            if (s.path("decision_facts").asText().length() > 5000) {
                return "decision_facts";
            }
            return null;
        }

        static void answer(HttpExchange ex, int status, String json) throws IOException {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    void everyRestrictionReachesTheDatabaseExactlyOnceThroughA429AndARestart(@TempDir Path data) throws Exception {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "out_mod", "--role", "moderator",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        try (FakeTdb tdb = new FakeTdb();
                TestServer ts = new TestServer(Map.of("data.dir", data.toString(), "safety.tdb-url", tdb.base(),
                        "safety.tdb-token", "tdb-test-token", "safety.tdb-interval", "200ms"))) {
            Api mod = TransparencyExportIT.login(ts, "out_mod");
            Api host = ts.api().registerAndLogin("out_host");
            String[] actions = {"demote", "end_space", "no_action", "demote"};
            for (String action : actions) {
                String space = host.post("/api/v1/spaces", Map.of("title", "Space for " + action)).json().at("/space/id").asText();
                String notice = ts.api().post("/api/v1/notices", TransparencyExportIT.withNotifier(
                        TransparencyExportIT.notice("violence", space))).json().get("id").asText();
                assertThat(mod.post("/api/v1/moderation/notices/" + notice + "/decision", Map.of("action", action,
                        "ground", "illegal", "legalGround", "Criminal code, art. 184", "explanation", "Threats against a neighbour.",
                        "territorialScope", List.of("EU"))).status()).isEqualTo(201);
            }
            // Three restrictions of one host: a warning after the second, and after the third the misuse
            // policy suspends the account (Art 23) — a fourth statement, fully automated, of our own initiative.
            await().atMost(Duration.ofSeconds(20)).until(() -> tdb.accepted.size() == 4);
            JsonNode suspension = tdb.bodies.values().stream().filter(b -> b.has("decision_account")).findFirst().orElseThrow();
            assertThat(suspension.get("decision_account").asText()).isEqualTo("DECISION_ACCOUNT_SUSPENDED");
            assertThat(suspension.get("end_date_account_restriction").asText())
                    .isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(7).toString());
            assertThat(suspension.get("source_type").asText()).isEqualTo("SOURCE_VOLUNTARY");
            assertThat(suspension.get("automated_decision").asText()).isEqualTo("AUTOMATED_DECISION_FULLY");
            assertThat(suspension.get("incompatible_content_ground").asText()).contains("Misuse");
            assertThat(tdb.tooMany.get()).isEqualTo(1);
            assertThat(tdb.refusals).isEmpty();
            ts.restart(); // the same data: the outbox remembers what was sent
            Thread.sleep(1500);
            assertThat(tdb.accepted).hasSize(4);
            assertThat(tdb.accepted.values()).allMatch(n -> n.get() == 1);

            // A crash between the database's 201 and our mark: the statement goes again, the database
            // says its puid is taken, and that counts as sent — still once in the database.
            try (var db = io.stentor.store.Database.open(ts.config().db())) {
                db.jdbi().useHandle(h -> h.execute("UPDATE tdb_outbox SET submitted_at = NULL WHERE puid = "
                        + "(SELECT MIN(puid) FROM tdb_outbox)"));
                TdbOutbox outbox = new TdbOutbox(db.jdbi(), java.time.Clock.systemUTC());
                await().atMost(Duration.ofSeconds(10)).until(() -> outbox.count(false) == 0);
                assertThat(outbox.count(true)).isEqualTo(4);
            }
            assertThat(tdb.refusals).contains(DUPLICATE);
            assertThat(tdb.accepted.values()).allMatch(n -> n.get() == 1);
        }
    }
}
