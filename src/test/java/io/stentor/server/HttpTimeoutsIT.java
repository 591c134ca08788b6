package io.stentor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connection timeouts an operator sets ({@code http.idle-timeout}, {@code http.header-read-timeout})
 * hold on a real socket: idle connections are closed, busy ones are not.
 */
class HttpTimeoutsIT {

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("http.idle-timeout", "1s", "http.header-read-timeout", "1s"));
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(6000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").contains("\"status\":\"ok\"");
            long idleFrom = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, nothing more sent
            long idleMs = (System.nanoTime() - idleFrom) / 1_000_000;
            assertThat(idleMs).isBetween(700L, 4000L);
        }
    }

    @Test
    void aConnectionInUseOutlivesTheIdleTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(3000);
            long start = System.nanoTime();
            int answered = 0;
            while (System.nanoTime() - start < 3_000_000_000L) {
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
                answered++;
                Thread.sleep(400);
            }
            assertThat(answered).isGreaterThanOrEqualTo(6); // three idle timeouts long, on one connection
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheHeaderReadTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(6000);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(700L, 4000L);
        }
    }

    /** Reads one response (head and a Content-Length body) and returns it as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the middle of a response head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = text.lines().map(l -> l.toLowerCase(Locale.ROOT))
                .filter(l -> l.startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring("content-length:".length()).trim())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
