package io.stentor.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.stentor.error.StentorException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: {@code {"error": CODE, "message": TEXT}} with the
 * right status. Unexpected exceptions are logged here and answered with a bare 500; no stack trace
 * reaches a client.
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** The JSON error body. */
    record ErrorBody(String error, String message) {
    }

    static ApiResponse of(Throwable t, String what) {
        if (t instanceof StentorException e) {
            ApiResponse r = ApiResponse.status(e.kind().status, new ErrorBody(e.code(), e.getMessage()));
            if (e.kind() == StentorException.Kind.TOO_MANY_REQUESTS || e.kind() == StentorException.Kind.UNAVAILABLE) {
                r.header("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
            }
            return r;
        }
        LOG.error("unexpected failure handling {}", what, t);
        return ApiResponse.status(500, new ErrorBody("internal_error",
                "Something went wrong on the server; it has been logged."));
    }

    static ApiResponse of(StentorException.Kind kind, String code, String message) {
        return of(new StentorException(kind, code, message), null);
    }

    /** A complete Netty response for failures detected before routing (bad head, oversized body). */
    static FullHttpResponse netty(StentorException.Kind kind, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        byte[] bytes = Json.write(body);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(kind.status), Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        res.headers().set(HttpHeaderNames.CONNECTION, "close");
        return res;
    }
}
