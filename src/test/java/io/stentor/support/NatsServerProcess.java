package io.stentor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A NATS server of the test's own ({@code nats-server} on a free loopback port), so a test can
 * stop and restart it without touching the machine's shared one. Skips the test when the
 * {@code nats-server} binary is not installed.
 */
public final class NatsServerProcess implements AutoCloseable {

    private static final String[] BINARIES = {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"};

    private final String binary;
    private final int port;
    private final Path log;
    private Process process;

    public NatsServerProcess() {
        String found = null;
        for (String b : BINARIES) {
            if (Files.isExecutable(Path.of(b))) {
                found = b;
            }
        }
        if (found == null) {
            System.err.println("SKIPPED: no nats-server binary (Debian package nats-server)");
        }
        Assumptions.assumeTrue(found != null, "no nats-server binary (Debian package nats-server)");
        this.binary = found;
        try {
            this.port = NodeProcess.freePort();
            this.log = Files.createTempFile("nats-server-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the server (again, on the same port) and waits until it accepts connections. */
    public void start() {
        try {
            process = new ProcessBuilder(binary, "-a", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                NodeProcess.sleep(50);
            }
        }
        throw new AssertionError("nats-server did not start on " + port);
    }

    /** Kills the server (SIGKILL, by its PID): every client loses its connection at once. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
