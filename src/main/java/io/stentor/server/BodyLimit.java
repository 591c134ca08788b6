package io.stentor.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.stentor.error.StentorException;

/**
 * Collects a request body up to the configured limit. A larger body (declared or actual) is
 * answered 413 with the JSON error shape and the connection closed, before the rest is read —
 * also when the client asked first with {@code Expect: 100-continue} (curl does for bodies over
 * 1 MiB), where Netty's own answer would be an empty 413.
 *
 * <pre>codec → HeaderReadTimeout → idle → BodyLimit → HttpDispatcher</pre>
 */
final class BodyLimit extends HttpObjectAggregator {

    private final int maxBytes;

    BodyLimit(int maxBytes) {
        super(maxBytes, true); // close after refusing an expectation: the client may send the body anyway
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof HttpResponse r && r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            ReferenceCountUtil.release(answer); // Netty's shared empty 413: ours replaces it
            return tooLarge();
        }
        return answer;
    }

    private Object tooLarge() {
        return ErrorResponses.netty(StentorException.Kind.PAYLOAD_TOO_LARGE, "body_too_large",
                "The request body is larger than the limit of " + maxBytes + " bytes.");
    }
}
