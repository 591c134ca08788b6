package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-address limits, enforced before any real work, on loopback (whose default exemption is turned off here). */
class AbuseLimitsIT {

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("guard.exempt", "", "guard.logins-per-minute", "3",
                "guard.connections-per-ip", "5", "guard.api-per-second", "1000"));
        ts.api().registerAndLogin("victim"); // 1 registration, 1 login (token) from 127.0.0.1
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void aLoginFloodIsRefusedWith429BeforeAnyPasswordIsHashedAndOtherAddressesStillLogIn() throws Exception {
        int unauthorized = 0;
        int limited = 0;
        String retryAfter = null;
        Api attacker = ts.api(); // one client, one kept-alive connection, as a script would
        for (int i = 0; i < 10; i++) {
            Api.Res r = attacker.post("/api/v1/auth/login", Map.of("handle", "victim", "password", "wrong password " + i));
            if (r.status() == 401) {
                unauthorized++;
            } else {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.error()).isEqualTo("rate_limited");
                retryAfter = r.header("Retry-After");
                limited++;
            }
        }
        assertThat(unauthorized).isLessThanOrEqualTo(2); // the token login in start() used one of three
        assertThat(limited).isGreaterThanOrEqualTo(8);
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
        assertThat(attacker.get("/metrics").text()).containsPattern("stentor_guard_refused_total\\{action=\"login\"} [1-9]");

        // The real user, from another address, is not locked out.
        String answer = rawRequest("127.0.0.7", "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 53\r\nConnection: close\r\n\r\n{\"handle\":\"victim\",\"password\":\"correct horse victim\"}");
        assertThat(answer).startsWith("HTTP/1.1 200");
    }

    @Test
    void connectionsBeyondTheCapPerAddressAreClosedOnConnect() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0.9", 0));
                s.connect(new InetSocketAddress("127.0.0.1", ts.port()));
                held.add(s);
            }
            // The connections land on different event loops, so which one is refused is not fixed: exactly one is.
            Thread.sleep(500);
            int closed = 0;
            for (Socket s : held) {
                s.setSoTimeout(300);
                try {
                    if (s.getInputStream().read() == -1) {
                        closed++;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // open, as it should be
                }
            }
            assertThat(closed).as("connections closed by the server on connect").isEqualTo(1);

            // Another address is unaffected, and a freed slot can be used again.
            assertThat(rawRequest("127.0.0.8", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            for (Socket s : held) {
                s.close();
            }
            held.clear();
            await().atMost(Duration.ofSeconds(3)).until(() ->
                    rawRequest("127.0.0.9", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .startsWith("HTTP/1.1 200"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static String rawRequest(String from, String request) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", ts.port()));
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
