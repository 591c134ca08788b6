package io.stentor.loadtest;

import io.netty.channel.ChannelHandlerContext;

/**
 * A simulated WebSocket media listener: counts frames, sequence gaps and reordering, and records
 * each frame's end-to-end latency (now minus its capture time) inside the measurement window.
 * Capture times come from the speaker's clock, so latency is exact when the speaker runs on the
 * same machine (as in these benchmarks). Its connection's bytes are read by a
 * {@link WebSocketUpgrade}, then a {@link MediaFrameReader}, which report here.
 */
final class WebSocketListener extends ProbeHandler<Object> implements MediaFrameReader.Sink {

    private ChannelHandlerContext ctx;

    WebSocketListener(ListenerProbe probe, Measurements m) {
        super(probe, m);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        // The readers before this handler pass nothing on.
    }

    @Override
    public void closedByServer(int code) {
        probe.closedEarly = true;
        probe.failure = "closed by server: " + code;
        ctx.close();
    }

    @Override
    public void media(int seq, long capture) {
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
