package io.stentor.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * A simulated WebSocket media listener: counts frames, sequence gaps and reordering, and records
 * each frame's end-to-end latency (now minus its capture time) inside the measurement window.
 * Capture times come from the speaker's clock, so latency is exact when the speaker runs on the
 * same machine (as in these benchmarks).
 */
final class WebSocketListener extends ProbeHandler<WebSocketFrame> {


    WebSocketListener(ListenerProbe probe, Measurements m) {
        super(probe, m);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            probe.joined = true;
            if (ctx.pipeline().get("ws-decoder") != null) {
                // From here on, read media messages straight from the bytes (see MediaFrameReader).
                ctx.pipeline().replace("ws-decoder", "media-reader", new MediaFrameReader(new MediaFrameReader.Sink() {
                    @Override
                    public void media(int sequence, long captureMicros) {
                        onMedia(sequence, captureMicros);
                    }

                    @Override
                    public void closedByServer(int code) {
                        probe.closedEarly = true;
                        probe.failure = "closed by server: " + code;
                        ctx.close();
                    }
                }));
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            probe.closedEarly = true;
            probe.failure = "closed by server: " + close.statusCode() + " " + close.reasonText();
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame)) {
            return;
        }
        ByteBuf b = frame.content();
        if (b.readableBytes() >= 16) {
            onMedia(b.getInt(b.readerIndex() + 4), b.getLong(b.readerIndex() + 8));
        }
    }

    private void onMedia(int seq, long capture) {
        long now = System.nanoTime();
        probe.audioArrived(now, m);
        probe.frames++;
        boolean counted = m.inWindow(now);
        if (probe.sequenceStarted) {
            int gap = seq - probe.nextSequence;
            if (gap < 0) {
                if (counted) {
                    probe.lateInWindow++;
                }
                return;
            }
            if (counted) {
                probe.gapsInWindow += gap;
            }
        }
        probe.sequenceStarted = true;
        probe.nextSequence = seq + 1;
        if (counted) {
            probe.framesInWindow++;
            long micros = System.currentTimeMillis() * 1000 - capture;
            m.latencyMicros.recordValue(Math.max(0, Math.min(micros, 3_600_000_000L)));
        }
    }
}
