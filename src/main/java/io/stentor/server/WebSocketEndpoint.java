package io.stentor.server;

/**
 * A WebSocket route, free of Netty types. {@link #open} runs on a virtual thread before the
 * handshake: it may authenticate and throw a {@link io.stentor.error.StentorException} to refuse
 * with an HTTP status; otherwise the returned session receives the client's text messages.
 */
@FunctionalInterface
public interface WebSocketEndpoint {

    Session open(ApiRequest request, Peer peer);

    /** The connected client. Thread-safe: any thread may send. */
    interface Peer {
        /** Queues a text frame; dropped silently if the connection is closed. */
        void send(byte[] utf8Json);

        /** Closes with a WebSocket status code and a short reason. */
        void close(int code, String reason);

        /** False when the client is not keeping up (its outbound buffer is full). */
        boolean isWritable();
    }

    /** Callbacks for one open connection; called on the connection's event loop, so they must not block. */
    interface Session {
        /** The handshake is done: messages sent from now on reach the client. */
        default void onOpen() {
        }

        default void onText(String text) {
        }

        void onClose();
    }
}
