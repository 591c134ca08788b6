package io.stentor.server;

import io.netty.channel.Channel;

/**
 * Takes over a connection after a streaming response's head has been written (see
 * {@link ApiResponse#stream}). Called on the channel's event loop; from then on the taker writes
 * raw bytes and owns the connection's life.
 */
@FunctionalInterface
public interface StreamTakeover {
    void takeOver(Channel channel);
}
