package io.stentor.flood;

/**
 * What one kind of attack sends on each of its connections: an opening (a whole request, or the
 * start of one), and for attacks that hold their connection, a trickle sent every few seconds.
 * Every attempt is one new connection. Implementations are immutable and thread-safe.
 */
sealed interface Attack permits InvalidTickets, JunkRequests, WrongLogins, Slowloris, ReconnectStorm {

    FloodKind kind();

    /** The bytes sent as soon as attempt {@code n} has connected. */
    byte[] opening(long n);

    /** Bytes sent every {@link #TRICKLE_MILLIS} after the opening, holding the connection; null to wait for the answer. */
    default byte[] trickle() {
        return null;
    }

    long TRICKLE_MILLIS = 2000;
}
