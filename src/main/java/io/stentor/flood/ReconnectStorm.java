package io.stentor.flood;

/**
 * WebSocket listeners of one space that leave as soon as they are answered (the connection is
 * dropped, no close frame), as a crowd of flapping clients would: every attempt a fresh join.
 */
record ReconnectStorm(String host, String space) implements Attack {

    @Override
    public FloodKind kind() {
        return FloodKind.RECONNECT_STORM;
    }

    @Override
    public byte[] opening(long n) {
        return RawRequests.webSocketUpgrade(host, "/api/v1/spaces/" + space + "/listen");
    }
}
