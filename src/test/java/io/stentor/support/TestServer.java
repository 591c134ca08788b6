package io.stentor.support;

import io.stentor.config.ConfigSources;
import io.stentor.config.StentorConfig;
import io.stentor.guard.GuardState;
import io.stentor.server.StentorServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** A real Stentor server on a free port with its own data directory; restartable on the same data. */
public final class TestServer implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> settings;
    private final Supplier<GuardState> guardState;
    private StentorServer server;

    public TestServer(Map<String, String> overrides) {
        this(overrides, null); // the server's own load monitor (measured, or forced by an admin)
    }

    /** A server whose guard sees the node state {@code guardState} gives (a test may change it at any time). */
    public TestServer(Map<String, String> overrides, Supplier<GuardState> guardState) {
        this.guardState = guardState;
        try {
            this.dataDir = Files.createTempDirectory("stentor-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> s = new HashMap<>();
        s.put("http.port", "0");
        s.put("http.host", "127.0.0.1");
        s.put("data.dir", dataDir.toString());
        // Cheaper hashing keeps the suite fast; PasswordHasherTest covers the production parameters.
        s.put("auth.argon2-memory-kib", "1024");
        s.put("auth.argon2-iterations", "1");
        s.put("events.flush-interval", "200ms");
        // A test machine is busy with browsers and clients: only tests about overload let the load
        // monitor see it (they set these, or force a state); everyone else stays normal.
        s.put("overload.lag-constrained", "10m");
        s.put("overload.lag-critical", "10m");
        s.put("overload.cpu-constrained-percent", "101");
        s.putAll(overrides);
        this.settings = s;
        start();
    }

    public TestServer() {
        this(Map.of());
    }

    public StentorConfig config() {
        return ConfigSources.defaultsWith(settings);
    }

    private void start() {
        server = StentorServer.start(config(), guardState);
    }

    /** Stops the server and starts a new one on the same data directory (a new port). */
    public void restart() {
        server.close();
        start();
    }

    public StentorServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Api api() {
        return new Api(baseUrl());
    }

    @Override
    public void close() {
        server.close();
    }
}
