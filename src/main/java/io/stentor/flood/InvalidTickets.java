package io.stentor.flood;

/**
 * Joins with forged tickets: WebSocket listens and Ogg stream GETs of one space, alternately, each
 * carrying {@code ?ticket=} of random junk. A server that checks tickets refuses them all.
 */
record InvalidTickets(String host, String space) implements Attack {

    @Override
    public FloodKind kind() {
        return FloodKind.INVALID_TICKETS;
    }

    @Override
    public byte[] opening(long n) {
        String ticket = RawRequests.token(24 + (int) (n % 24));
        return n % 2 == 0
                ? RawRequests.webSocketUpgrade(host, "/api/v1/spaces/" + space + "/listen?ticket=" + ticket)
                : RawRequests.get(host, "/spaces/" + space + "/live.opus?ticket=" + ticket);
    }
}
