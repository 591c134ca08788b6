package io.stentor.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Connects a Netty WebSocket channel to a Netty-free {@link WebSocketEndpoint.Session}: text frames
 * in, {@link WebSocketEndpoint.Peer#send} out, pings when idle, close handling. Replaces the
 * {@link HttpDispatcher} in the pipeline once the handshake is under way.
 */
final class WebSocketBridge extends SimpleChannelInboundHandler<WebSocketFrame> {

    private final WebSocketEndpoint.Session session;
    private boolean closed;

    WebSocketBridge(WebSocketEndpoint.Session session) {
        this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            session.onText(text.text());
        } else if (frame instanceof PingWebSocketFrame ping) {
            // The pong echoes the ping's payload; retain because the inbound frame is released after this method.
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            if (!session.onBinary(binary.content())) {
                ctx.writeAndFlush(new CloseWebSocketFrame(1003, "this endpoint takes text messages only"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        // Pong and continuation frames need no answer.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Keeps quiet connections (and the proxies between) alive; the client's pong counts as activity.
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fireClose();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void fireClose() {
        if (!closed) {
            closed = true;
            session.onClose();
        }
    }

    /** The endpoint's view of the client. */
    static final class NettyPeer implements WebSocketEndpoint.Peer {
        private final Channel channel;

        NettyPeer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void send(byte[] utf8Json) {
            if (!channel.isActive()) {
                return;
            }
            if (!channel.isWritable()) {
                // A client with http.write-buffer-bytes of events piled up is far behind: it reconnects to a fresh snapshot.
                close(1013, "too slow: reconnect for a fresh snapshot");
                return;
            }
            // wrappedBuffer shares the caller's bytes without copying; the frame owns the wrapper and Netty releases it.
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8Json)), channel.voidPromise());
        }

        @Override
        public void close(int code, String reason) {
            if (channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public boolean isWritable() {
            return channel.isWritable();
        }

        @Override
        public Channel channel() {
            return channel;
        }
    }
}
