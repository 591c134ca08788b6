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

        /**
         * The underlying channel, for the media plane's fan-out, which writes pre-framed shared
         * buffers straight to sockets. Other features should not need it.
         */
        io.netty.channel.Channel channel();
    }

    /** Callbacks for one open connection; called on the connection's event loop, so they must not block. */
    interface Session {
        /** The handshake is done: messages sent from now on reach the client. */
        default void onOpen() {
        }

        default void onText(String text) {
        }

        /**
         * A binary message; the buffer is only valid during the call (it is released afterwards).
         * Returns false when this endpoint does not take binary messages (the connection is then
         * closed with 1003).
         */
        default boolean onBinary(io.netty.buffer.ByteBuf data) {
            return false;
        }

        void onClose();

        /**
         * True for speakers: once open, the connection moves to the stage's own network loop, so
         * that the audience's traffic (a join storm, a flood) never delays the speakers' audio.
         */
        default boolean onStage() {
            return false;
        }
    }
}
