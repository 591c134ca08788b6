package io.stentor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same migrations and the same API on PostgreSQL (the shared store of multi-node mode), in a
 * fresh database created for this run and dropped after. Skipped, with the reason printed, only
 * where no PostgreSQL answers (set STENTOR_TEST_PG to point elsewhere, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 */
class PostgresMigrationIT {

    static final String ADMIN_URL = System.getenv().getOrDefault("STENTOR_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    static String database;

    @BeforeAll
    static void createDatabase() {
        database = "stentor_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            System.err.println("SKIPPED PostgresMigrationIT: no PostgreSQL at " + ADMIN_URL + " (" + e.getMessage() + ")");
            Assumptions.abort("no PostgreSQL at " + ADMIN_URL + ": " + e.getMessage());
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // not created (skipped run)
        }
    }

    @Test
    void migrationsAndTheControlPlaneRunOnPostgres() {
        String url = ADMIN_URL.replace("/postgres?", "/" + database + "?");
        try (TestServer ts = new TestServer(Map.of("db.url", url))) {
            Api host = ts.api().registerAndLogin("pghost");
            Api fan = ts.api().registerAndLogin("pgfan");
            Api.Res created = host.post("/api/v1/spaces", Map.of("title", "On Postgres",
                    "scheduledStart", java.time.Instant.now().plusSeconds(600).toString()));
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().at("/space/id").asText();
            assertThat(fan.post("/api/v1/spaces/" + id + "/follow").status()).isEqualTo(204);
            assertThat(host.post("/api/v1/spaces/" + id + "/start").status()).isEqualTo(200);
            assertThat(fan.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
            assertThat(fan.post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
            assertThat(host.post("/api/v1/spaces/" + id + "/requests/pgfan/accept").status()).isEqualTo(204);
            assertThat(ts.api().post("/api/v1/users", Map.of("handle", "PGHOST", "displayName", "x",
                    "password", "password123")).status()).isEqualTo(409);

            ts.restart();
            Api again = ts.api().withToken(host.token());
            var detail = again.get("/api/v1/spaces/" + id).json();
            assertThat(detail.at("/space/state").asText()).isEqualTo("live");
            assertThat(detail.get("stage")).hasSize(2);
            assertThat(ts.api().withToken(fan.token()).get("/api/v1/me/notifications").json()
                    .at("/notifications/0/kind").asText()).isEqualTo("space_started");
            assertThat(again.get("/readyz").status()).isEqualTo(200);

            // The transparency report's queries, and the recipients' idempotent inserts, on PostgreSQL.
            try (Database db = Database.open(ts.config().db());
                    var recipients = new io.stentor.safety.ActiveRecipients(db.jdbi(),
                            io.stentor.guard.SigningKey.of("", () -> new byte[32]), java.time.Clock.systemUTC())) {
                recipients.seen("anon:pg-listener-1");
                recipients.seen("anon:pg-listener-1");
                java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
                var report = new io.stentor.safety.TransparencyFigures(db.jdbi(), recipients, java.time.Clock.systemUTC())
                        .report(today.withDayOfMonth(1), today);
                assertThat(report.value("recipients", "monthly_active", java.time.YearMonth.from(today).toString()))
                        .isEqualTo(3L); // pghost, pgfan, and the anonymous listener once
                assertThat(report.value("orders", "received", "")).isEqualTo(0L);
            }
        }
    }

    @Test
    void readinessSaysTheDatabaseIsDownWhileItIsAwayAndRecoversWhenItReturns() throws Exception {
        String url = ADMIN_URL.replace("/postgres?", "/" + database + "?");
        try (TestServer ts = new TestServer(Map.of("db.url", url))) {
            assertThat(ts.api().get("/readyz").status()).isEqualTo(200);
            try {
                admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
                admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
                Api.Res down = ts.api().get("/readyz");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().get("status").asText()).isEqualTo("unavailable");
                assertThat(down.json().get("database").asText()).isEqualTo("down");
                assertThat(down.header("Retry-After")).isNotNull();
                assertThat(ts.api().get("/healthz").status()).isEqualTo(200); // alive, just not ready
            } finally {
                admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> ts.api().get("/readyz").status() == 200);
            assertThat(ts.api().get("/readyz").json().get("database").asText()).isEqualTo("ok");
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
