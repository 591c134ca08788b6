package io.stentor.flood;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.stentor.server.Json;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One attempt on one connection, after an {@code HttpResponseDecoder}: sends the attack's opening
 * (raw bytes, past any encoder), trickles if the attack holds on, and notes how the server
 * answered: the status and latency at the head (counted from when the attempt was due, so a slow
 * server cannot hide behind a slow client), the JSON error code of a small error body, or a close
 * without an answer. It closes the connection once it has the answer, so a 101 or an endless
 * stream is dropped at once. Event-loop confined.
 */
final class AttemptHandler extends ChannelInboundHandlerAdapter {

    private static final int MAX_ERROR_BODY = 4096;

    private final Attack attack;
    private final long n;
    private final long dueNanos;
    private final KindTally tally;
    private final BooleanSupplier drillOver;
    private long connectedNanos;
    private boolean answered;
    private boolean done;
    private ByteBuf errorBody;
    private ScheduledFuture<?> trickle;

    AttemptHandler(Attack attack, long n, long dueNanos, KindTally tally, BooleanSupplier drillOver) {
        this.attack = attack;
        this.drillOver = drillOver;
        this.n = n;
        this.dueNanos = dueNanos;
        this.tally = tally;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectedNanos = System.nanoTime();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(attack.opening(n)));
        byte[] drip = attack.trickle();
        if (drip != null) {
            trickle = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(drip)),
                    Attack.TRICKLE_MILLIS, Attack.TRICKLE_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse res) {
                answered = true;
                int status = res.status().code();
                tally.answer(status, System.nanoTime() - dueNanos, res.headers().contains(HttpHeaderNames.RETRY_AFTER));
                String type = res.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                if (status < 400 || !type.startsWith("application/json")) {
                    finish(ctx);
                    return;
                }
                errorBody = ctx.alloc().buffer(256, MAX_ERROR_BODY);
            }
            if (msg instanceof HttpContent c && errorBody != null) {
                errorBody.writeBytes(c.content(), Math.min(c.content().readableBytes(), errorBody.maxWritableBytes()));
                if (msg instanceof LastHttpContent || !errorBody.isWritable()) {
                    tally.errorCode(errorCode(errorBody));
                    finish(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static String errorCode(ByteBuf body) {
        try {
            return Json.MAPPER.readTree(new io.netty.buffer.ByteBufInputStream(body)).path("error").asText("(none)");
        } catch (Exception e) {
            return "(not json)";
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        done = true;
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a decoding failure: either way the attempt is over, as channelInactive notes
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (trickle != null) {
            trickle.cancel(false);
        }
        if (errorBody != null) { // ours: allocated above, released here whether or not it was parsed
            errorBody.release();
            errorBody = null;
        }
        // Closed by us at the end of the drill is not the server's doing.
        if (!answered && !done && !drillOver.getAsBoolean()) {
            tally.closedUnanswered(System.nanoTime() - connectedNanos);
        }
        ctx.fireChannelInactive();
    }
}
