package io.stentor.flood;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP/1.1 requests written out by hand, byte for byte, so that the flood can send what no HTTP
 * client library would (broken lines, oversized heads, half a head). Stateless.
 */
final class RawRequests {

    private RawRequests() {
    }

    static byte[] get(String host, String pathAndQuery) {
        return ascii("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: stentor-flood\r\n"
                + "Connection: close\r\n\r\n");
    }

    static byte[] webSocketUpgrade(String host, String pathAndQuery) {
        return ascii("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: stentor-flood\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + token(16)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    static byte[] postJson(String host, String path, byte[] body) {
        byte[] head = ascii("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: stentor-flood\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Random URL-safe text of about {@code bytes} * 4 / 3 characters. */
    static String token(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
