package io.stentor.loadtest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** What every simulated listener does when its connection ends or fails: note it on its probe. */
abstract class ProbeHandler<T> extends SimpleChannelInboundHandler<T> {

    final ListenerProbe probe;
    final Measurements m;

    ProbeHandler(ListenerProbe probe, Measurements m) {
        this.probe = probe;
        this.m = m;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        probe.disconnected(m);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        probe.fail(cause);
        ctx.close();
    }
}
