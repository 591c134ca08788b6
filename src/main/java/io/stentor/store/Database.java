package io.stentor.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stentor.config.StentorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The control-plane store: a pooled connection to embedded H2 (default) or PostgreSQL, migrated by
 * Flyway on open. The same migrations serve both databases. Thread-safe; close once at shutdown.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(StentorConfig.Database cfg) {
        String url = cfg.effectiveUrl();
        if (url.startsWith("jdbc:h2:file:")) {
            try {
                Files.createDirectories(cfg.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + cfg.dataDir(), e);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (!cfg.user().isBlank()) {
            hc.setUsername(cfg.user());
        }
        if (!cfg.password().isBlank()) {
            hc.setPassword(cfg.password());
        }
        hc.setMaximumPoolSize(cfg.poolSize());
        hc.setPoolName("stentor-db");
        hc.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
