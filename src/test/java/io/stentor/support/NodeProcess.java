package io.stentor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Stentor node as its own JVM ({@code java -cp <test classpath> io.stentor.cli.StentorCommand serve ...}),
 * on a port of its own, logging to a file; ended by its PID. For multi-process cluster tests.
 */
public final class NodeProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private NodeProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code stentor serve} with these settings (keys as in stentor.properties) and the test defaults. */
    public static NodeProcess start(String name, Map<String, String> settings) {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("stentor-" + name + "-");
            Path log = dir.resolve("node.log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "io.stentor.cli.StentorCommand", "serve"));
            Map<String, String> s = new java.util.LinkedHashMap<>(Map.of("http.host", "127.0.0.1",
                    "http.port", Integer.toString(port), "data.dir", dir.toString(), "auth.argon2-memory-kib", "1024",
                    "auth.argon2-iterations", "1", "overload.lag-constrained", "10m", "overload.lag-critical", "10m",
                    "overload.cpu-constrained-percent", "101", "media.clock-threads", "1"));
            s.putAll(settings);
            s.forEach((k, v) -> {
                cmd.add("--" + k.replace('.', '-'));
                cmd.add(v);
            });
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new NodeProcess(name, port, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the node answers {@code /healthz}, or fails with the tail of its log. */
    public NodeProcess awaitUp(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (api().get("/healthz").status() == 200) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            sleep(200);
        }
        throw new AssertionError(name + " did not come up within " + within + ":\n" + logTail());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Api api() {
        return new Api(baseUrl());
    }

    /** CPU time the process has used so far (user + system), from /proc. */
    public Duration cpuTime() {
        return ProcessCpu.of(process.pid());
    }

    /** Ends the process at once (SIGKILL): a crashed node, not a clean shutdown. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Ends the process cleanly (SIGTERM), by force after 10 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
