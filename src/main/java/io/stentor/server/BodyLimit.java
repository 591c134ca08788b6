package io.stentor.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.stentor.error.StentorException;

/**
 * Collects a request body up to the configured limit. A larger body (declared or actual) is
 * answered 413 with the JSON error shape and the connection closed, before the rest is read.
 *
 * <pre>codec → HeaderReadTimeout → idle → BodyLimit → HttpDispatcher</pre>
 */
final class BodyLimit extends HttpObjectAggregator {

    private final int maxBytes;

    BodyLimit(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(ErrorResponses.netty(StentorException.Kind.PAYLOAD_TOO_LARGE, "body_too_large",
                "The request body is larger than the limit of " + maxBytes + " bytes."))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
