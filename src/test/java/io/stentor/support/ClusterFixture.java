package io.stentor.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * What a multi-process cluster test shares: a fresh PostgreSQL database (dropped after), and a
 * NATS subject prefix of its own so runs on one NATS server never hear each other. Skips the
 * test, saying why, only when PostgreSQL or NATS does not answer on 127.0.0.1.
 */
public final class ClusterFixture implements AutoCloseable {

    static final String ADMIN_URL = System.getenv().getOrDefault("STENTOR_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    public static final String NATS = System.getenv().getOrDefault("STENTOR_TEST_NATS", "nats://127.0.0.1:4222");

    private final String database;
    public final String prefix;

    /** A fixture whose nodes use the NATS server at {@code natsUrl} (skipped when it does not answer). */
    public ClusterFixture(String natsUrl) {
        {
            java.net.URI nats = java.net.URI.create(natsUrl);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(nats.getHost(), nats.getPort()), 1000);
            } catch (java.io.IOException e) {
                System.err.println("SKIPPED: no NATS at " + natsUrl + " (" + e.getMessage() + ")");
                Assumptions.abort("no NATS at " + natsUrl + ": " + e.getMessage());
            }
        }
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        this.database = "stentor_cluster_" + run;
        this.prefix = "stentor_it_" + run;
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            System.err.println("SKIPPED: no PostgreSQL at " + ADMIN_URL + " (" + e.getMessage() + ")");
            Assumptions.abort("no PostgreSQL at " + ADMIN_URL + ": " + e.getMessage());
        }
    }

    /** Settings every node of this cluster shares, plus its role. */
    public Map<String, String> node(String role, String nats) {
        Map<String, String> s = new HashMap<>();
        s.put("role", role);
        s.put("nats", nats);
        s.put("cluster.subject-prefix", prefix);
        s.put("db.url", ADMIN_URL.replace("/postgres?", "/" + database + "?"));
        return s;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // best effort
        }
    }
}
