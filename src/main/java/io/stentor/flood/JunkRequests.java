package io.stentor.flood;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Requests a parser must refuse, in turn: a malformed request line, a head larger than any server
 * default ({@value #OVERSIZED_HEAD_BYTES} bytes), random bytes, and a body that is not JSON for
 * an API route. A well-behaved server answers each with a 4xx JSON error and closes.
 */
record JunkRequests(String host) implements Attack {

    static final int OVERSIZED_HEAD_BYTES = 24 * 1024;

    @Override
    public FloodKind kind() {
        return FloodKind.JUNK;
    }

    @Override
    public byte[] opening(long n) {
        return switch ((int) (n % 4)) {
            case 0 -> RawRequests.ascii("GET /healthz HTTP/1.1 trailing nonsense\r\nHost: " + host + "\r\n\r\n");
            case 1 -> RawRequests.ascii("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nX-Junk: "
                    + "j".repeat(OVERSIZED_HEAD_BYTES) + "\r\n\r\n");
            case 2 -> randomBytes();
            default -> RawRequests.postJson(host, n % 8 == 3 ? "/api/v1/users" : "/api/v1/spaces",
                    "{\"handle\": \"x\", oops".getBytes(StandardCharsets.UTF_8));
        };
    }

    /** Bytes 0x01..0xff without line breaks, then the blank line that ends a head. */
    private static byte[] randomBytes() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] b = new byte[260];
        for (int i = 0; i < 256; i++) {
            byte x;
            do {
                x = (byte) r.nextInt(1, 256);
            } while (x == '\r' || x == '\n');
            b[i] = x;
        }
        b[256] = '\r';
        b[257] = '\n';
        b[258] = '\r';
        b[259] = '\n';
        return b;
    }
}
