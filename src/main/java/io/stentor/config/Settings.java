package io.stentor.config;

import java.util.List;
import java.util.Optional;

/**
 * The catalogue of every setting Stentor reads, with defaults that run on a laptop. This list is the
 * single source for {@code stentor serve --help}, the environment variables and docs/OPERATIONS.md.
 */
public final class Settings {

    public static final List<Setting> ALL = List.of(
            new Setting("http.host", "0.0.0.0", "Address the HTTP server binds to."),
            new Setting("http.port", "8080", "HTTP port (0 picks a free port)."),
            new Setting("http.max-header-bytes", "16384", "Largest request line plus headers, in bytes; larger gets 431."),
            new Setting("http.max-body-bytes", "1048576", "Largest request body, in bytes; larger gets 413."),
            new Setting("http.header-read-timeout", "10s", "Time a client has to send a complete request head."),
            new Setting("http.idle-timeout", "60s", "Idle keep-alive connections are closed after this."),
            new Setting("http.max-websocket-frame-bytes", "65536", "Largest WebSocket frame a client may send."),
            new Setting("data.dir", "./data", "Directory for the embedded database and recordings."),
            new Setting("db.url", "", "JDBC URL; empty means the embedded H2 database in data.dir. "
                    + "Example: jdbc:postgresql://127.0.0.1:5432/stentor"),
            new Setting("db.user", "", "Database user (PostgreSQL)."),
            new Setting("db.password", "", "Database password (PostgreSQL)."),
            new Setting("db.pool-size", "10", "Maximum pooled database connections."),
            new Setting("auth.session-ttl", "30d", "How long a login (cookie or bearer token) stays valid."),
            new Setting("auth.cookie-secure", "false", "Mark the session cookie Secure (set true behind HTTPS)."),
            new Setting("auth.argon2-memory-kib", "19456", "Argon2id memory cost per password hash, in KiB."),
            new Setting("auth.argon2-iterations", "2", "Argon2id iterations per password hash."),
            new Setting("auth.hash-concurrency", "2", "Password hashes computed at once; more wait in line."),
            new Setting("space.reactions-per-second", "5", "Reactions one user may send per second (burst: 2x)."),
            new Setting("space.list-limit", "100", "Most spaces returned by one list request."),
            new Setting("events.flush-interval", "1s", "How often listener counts and reactions are sent to clients."));

    private Settings() {
    }

    public static Optional<Setting> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
