package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.loadtest.HlsPlayer;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import java.io.File;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nginx-cdn.conf in front of an origin: the origin's HLS request rate stays flat while the
 * listeners behind the cache grow fourfold. Starts Debian's nginx on a free loopback port (skipped
 * when it is not installed).
 */
class CdnIT {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration WINDOW = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    /** What one measuring window saw. */
    record Window(int listeners, long originRequests, long listenerRequests, long parts, long failures) {
        double originPerSecond() {
            return originRequests / (double) WINDOW.toSeconds();
        }
    }

    @Test
    void theOriginsRequestRateStaysFlatWhileListenersBehindTheCacheGrow() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx)");
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("cdnhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "CDN")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                HlsIT.awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 1);
                int port = freePort();
                Process nginx = startNginx(ts.port(), port);
                String base = "http://127.0.0.1:" + port + "/spaces/" + id + "/hls/";
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                List<HlsPlayer> listeners = new ArrayList<>();
                try {
                    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                            .until(() -> HlsTools.get(base + "index.m3u8").statusCode() == 200);
                    Window fifty = measure(ts, http, base, listeners, 50);
                    Window twoHundred = measure(ts, http, base, listeners, 200);
                    System.out.printf("CDN: %s%nCDN: %s%n", fifty, twoHundred);

                    for (Window w : List.of(fifty, twoHundred)) {
                        // Every listener kept up: about two parts a second each, without errors.
                        assertThat(w.parts()).as("parts fetched " + w).isGreaterThan((long) (w.listeners() * 1.5 * WINDOW.toSeconds()));
                        assertThat(w.failures()).as("failed requests " + w).isZero();
                    }
                    assertThat(twoHundred.listenerRequests()).isGreaterThan(3 * fifty.listenerRequests());
                    assertThat(twoHundred.originRequests()).as("origin requests with 200 listeners vs 50")
                            .isLessThan((long) (1.5 * fifty.originRequests()));
                } finally {
                    listeners.forEach(HlsPlayer::close);
                    stop(nginx);
                }
            }
        }
    }

    /** Grows the audience to {@code n}, lets it settle, then counts requests over one window. */
    private static Window measure(TestServer ts, HttpClient http, String base, List<HlsPlayer> listeners, int n)
            throws Exception {
        while (listeners.size() < n) {
            listeners.add(new HlsPlayer(http, base));
            Thread.sleep(10); // a quick ramp, not a single burst
        }
        Thread.sleep(3_000);
        long origin0 = originRequests(ts);
        long requests0 = listeners.stream().mapToLong(HlsPlayer::requests).sum();
        long parts0 = listeners.stream().mapToLong(HlsPlayer::parts).sum();
        long failures0 = listeners.stream().mapToLong(HlsPlayer::failures).sum();
        Thread.sleep(WINDOW.toMillis());
        return new Window(n, originRequests(ts) - origin0,
                listeners.stream().mapToLong(HlsPlayer::requests).sum() - requests0,
                listeners.stream().mapToLong(HlsPlayer::parts).sum() - parts0,
                listeners.stream().mapToLong(HlsPlayer::failures).sum() - failures0);
    }

    /** HLS requests the origin answered so far, all kinds (its /metrics). */
    private static long originRequests(TestServer ts) {
        return (long) ts.api().get("/metrics").text().lines().filter(l -> l.startsWith("stentor_hls_requests_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Renders deploy/nginx-cdn.conf for this test (origin, port, files under the temp dir) and starts nginx. */
    private Process startNginx(int originPort, int port) throws Exception {
        String conf = Files.readString(Path.of("deploy/nginx-cdn.conf"))
                .replace("${STENTOR_ORIGIN}", "127.0.0.1:" + originPort)
                .replace("${CDN_LISTEN}", "127.0.0.1:" + port)
                .replace("${CDN_CACHE_DIR}", dir.resolve("cache").toString())
                // Debian's build keeps temporary files under /var/lib/nginx: keep ours to ourselves.
                .replaceFirst("http \\{", "http {\n    client_body_temp_path " + dir.resolve("body") + ";\n    proxy_temp_path "
                        + dir.resolve("proxy") + ";\n    fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n    uwsgi_temp_path "
                        + dir.resolve("uwsgi") + ";\n    scgi_temp_path " + dir.resolve("scgi") + ";");
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Path log = dir.resolve("error.log");
        // As root nginx would hand its workers to "nobody", who cannot enter the test's private temp dir.
        String user = new com.sun.security.auth.module.UnixSystem().getUid() == 0 ? " user root;" : "";
        Process p = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", file.toString(), "-e", log.toString(),
                "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";" + user)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
        return p;
    }

    /** Stops our nginx: its master by its own handle (SIGTERM), which stops its workers. */
    private static void stop(Process nginx) throws InterruptedException {
        List<ProcessHandle> workers = nginx.descendants().toList();
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
            nginx.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly); // no-ops unless the master left one behind
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
