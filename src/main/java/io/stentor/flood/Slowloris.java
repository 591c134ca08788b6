package io.stentor.flood;

/**
 * Slow heads: each connection sends the start of a request head and then one more header byte
 * every {@value Attack#TRICKLE_MILLIS} ms, never finishing, and holds on until the server closes
 * it or the drill ends.
 */
record Slowloris(String host) implements Attack {

    private static final byte[] ONE_BYTE = {'a'};

    @Override
    public FloodKind kind() {
        return FloodKind.SLOWLORIS;
    }

    @Override
    public byte[] opening(long n) {
        return RawRequests.ascii("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nX-Slow-" + n + ": ");
    }

    @Override
    public byte[] trickle() {
        return ONE_BYTE;
    }
}
