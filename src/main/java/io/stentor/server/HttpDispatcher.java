package io.stentor.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Routes each complete request to its handler on a virtual thread (handlers may block on the
 * database or on password hashing; the event loop never does), and writes the answer. Requests on
 * one connection are answered in order. WebSocket routes are authenticated the same way, then the
 * connection is handed to a {@link WebSocketBridge}.
 */
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Pipelined requests allowed in flight on one connection before it is closed. */
    private static final int MAX_IN_FLIGHT = 16;

    private final Router router;
    private final Function<String, Optional<Caller>> authenticator;
    private final ExecutorService blocking;
    private final HttpMetrics metrics;
    private final int maxWebSocketFrameBytes;
    private final io.stentor.guard.RequestGuard guard;
    private final io.netty.channel.EventLoopGroup stageLoops;

    // Event-loop confined: the chain that keeps this connection's answers in request order.
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private int inFlight;

    HttpDispatcher(Router router, Function<String, Optional<Caller>> authenticator, ExecutorService blocking,
            HttpMetrics metrics, int maxWebSocketFrameBytes, io.stentor.guard.RequestGuard guard,
            io.netty.channel.EventLoopGroup stageLoops) {
        this.guard = guard;
        this.stageLoops = stageLoops;
        this.router = router;
        this.authenticator = authenticator;
        this.blocking = blocking;
        this.metrics = metrics;
        this.maxWebSocketFrameBytes = maxWebSocketFrameBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            rejectMalformed(ctx, req.decoderResult().cause());
            return;
        }
        if (++inFlight > MAX_IN_FLIGHT) {
            ctx.close();
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String method = req.method().name();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String path;
        Map<String, List<String>> query;
        try {
            // Both decode lazily and throw on a broken escape ("%", "%ZZ"): answer it, do not drop the connection.
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            enqueue(ctx, () -> ErrorResponses.of(StentorException.Kind.BAD_REQUEST, "malformed_url",
                    "The URL is not valid: every '%' must be followed by two hex digits."), "unmatched", method, keepAlive, null);
            return;
        }
        Optional<Router.Match> match = router.match(method, path);
        if (match.isEmpty()) {
            var allowed = router.allowedMethods(path);
            ApiResponse res = allowed.isEmpty()
                    ? ErrorResponses.of(StentorException.Kind.NOT_FOUND, "not_found", "No such resource: " + path)
                    : ErrorResponses.of(StentorException.Kind.METHOD_NOT_ALLOWED, "method_not_allowed",
                            method + " is not allowed here; use " + String.join(", ", allowed) + ".")
                            .header("Allow", String.join(", ", allowed));
            enqueue(ctx, () -> res, "unmatched", method, keepAlive, null);
            return;
        }
        Router.Route route = match.get().route();
        // Rate limits before anything else: a refused request costs a map lookup and this answer.
        StentorException refused = guard.check(method, route.pattern(),
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        if (refused != null) {
            refuseNow(ctx, refused, route.pattern(), method, keepAlive);
            return;
        }
        ApiRequest request = new ApiRequest(method, path, match.get().params(), query, req.headers().copy(),
                ByteBufUtil.getBytes(req.content()), (InetSocketAddress) ctx.channel().remoteAddress(), authenticator);
        Router.Precheck precheck = router.precheckOf(route);
        StentorException early = precheck == null ? null : precheck.check(request);
        if (early != null) {
            refuseNow(ctx, early, route.pattern(), method, keepAlive);
            return;
        }
        if (route.socket() != null) {
            if (!isUpgrade(req.headers())) {
                enqueue(ctx, () -> ErrorResponses.of(StentorException.Kind.BAD_REQUEST, "websocket_required",
                        "This is a WebSocket endpoint; connect with a WebSocket client."), route.pattern(), method, keepAlive,
                        null);
                return;
            }
            upgrade(ctx, req.retain(), request, route);
            return;
        }
        enqueue(ctx, () -> route.handler().handle(request), route.pattern(), method, keepAlive,
                req.headers().get(HttpHeaderNames.RANGE));
    }

    /**
     * Answers a refusal from the network thread when nothing is in flight on this connection (the
     * usual case: no virtual thread, no handler); otherwise in order behind the earlier answers.
     */
    private void refuseNow(ChannelHandlerContext ctx, StentorException refused, String route, String method,
            boolean keepAlive) {
        if (!tail.isDone()) {
            enqueue(ctx, () -> ErrorResponses.of(refused, null), route, method, keepAlive, null);
            return;
        }
        FullHttpResponse out = render(ErrorResponses.of(refused, null), method, route);
        metrics.record(route, method, out.status().code(), 0);
        tail = send(ctx, out, keepAlive);
    }

    private void enqueue(ChannelHandlerContext ctx, java.util.function.Supplier<ApiResponse> work, String route,
            String method, boolean keepAlive, String range) {
        tail = tail.thenComposeAsync(ignored -> {
            long start = System.nanoTime();
            ApiResponse res = run(work, method, route);
            if (res.takeover != null) {
                metrics.record(route, method, res.status, System.nanoTime() - start);
                ctx.executor().execute(() -> stream(ctx, res));
                return new CompletableFuture<Void>(); // the connection is no longer ours: nothing follows
            }
            if (res.file != null) {
                return FileResponses.send(ctx, res, range, keepAlive, status ->
                        metrics.record(route, method, status, System.nanoTime() - start), () -> inFlight--);
            }
            FullHttpResponse out = render(res, method, route);
            metrics.record(route, method, out.status().code(), System.nanoTime() - start);
            return send(ctx, out, keepAlive);
        }, blocking);
    }

    private static ApiResponse run(java.util.function.Supplier<ApiResponse> work, String method, String route) {
        try {
            return work.get();
        } catch (Throwable t) {
            return ErrorResponses.of(t, method + " " + route);
        }
    }

    private static FullHttpResponse render(ApiResponse res, String method, String route) {
        try {
            return toNetty(res);
        } catch (Throwable t) {
            return toNetty(ErrorResponses.of(t, method + " " + route));
        }
    }

    /**
     * Writes a streaming response's head (no Content-Length: the body runs until the connection
     * closes, as Icecast does), strips the HTTP handlers, and hands the raw channel over.
     */
    private void stream(ChannelHandlerContext ctx, ApiResponse res) {
        io.netty.handler.codec.http.HttpResponse head = new io.netty.handler.codec.http.DefaultHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(res.status));
        HttpHeaders h = head.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, res.contentType);
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        res.headers.forEach(h::set);
        var channel = ctx.channel();
        var pipeline = ctx.pipeline();
        // The head is encoded synchronously by the codec during write, so the codec can go right after.
        channel.writeAndFlush(head);
        for (String name : new String[] {"head-timeout", "idle", "body", "codec"}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
        pipeline.replace(this, "discard", new DiscardInbound());
        res.takeover.takeOver(channel);
    }

    private CompletableFuture<Void> send(ChannelHandlerContext ctx, FullHttpResponse out, boolean keepAlive) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(out).addListener(f -> {
            ctx.executor().execute(() -> inFlight--);
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
            }
            done.complete(null);
        });
        return done;
    }

    static FullHttpResponse toNetty(ApiResponse r) {
        byte[] bytes = r.rawBody != null ? r.rawBody : r.jsonBody != null ? Json.write(r.jsonBody) : new byte[0];
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status),
                Unpooled.wrappedBuffer(bytes));
        HttpHeaders h = res.headers();
        if (r.contentType != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        h.set("X-Content-Type-Options", "nosniff");
        if (!r.headers.containsKey("Cache-Control")) {
            h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        r.headers.forEach(h::set);
        for (String c : r.setCookies) {
            h.add(HttpHeaderNames.SET_COOKIE, c);
        }
        return res;
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, ApiRequest request, Router.Route route) {
        blocking.execute(() -> {
            WebSocketEndpoint.Session session;
            try {
                session = route.socket().open(request, new WebSocketBridge.NettyPeer(ctx.channel()));
            } catch (Throwable t) {
                req.release();
                FullHttpResponse out = toNetty(ErrorResponses.of(t, "websocket " + route.pattern()));
                metrics.record(route.pattern(), "GET", out.status().code(), 0);
                send(ctx, out, false);
                return;
            }
            ctx.executor().execute(() -> handshake(ctx, req, session, route));
        });
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketEndpoint.Session session,
            Router.Route route) {
        try {
            if (!ctx.channel().isActive()) {
                session.onClose();
                return;
            }
            String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, true, maxWebSocketFrameBytes)
                    .newHandshaker(req);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                session.onClose();
                return;
            }
            WebSocketBridge bridge = new WebSocketBridge(session);
            ctx.pipeline().replace(this, "websocket", bridge);
            hs.handshake(ctx.channel(), req).addListener(f -> {
                metrics.record(route.pattern(), "GET", f.isSuccess() ? 101 : 500, 0);
                if (!f.isSuccess()) {
                    ctx.close();
                } else if (session.onStage() && stageLoops != null) {
                    moveToStage(ctx.channel(), session);
                } else {
                    session.onOpen();
                }
            });
        } finally {
            // The handshake copies what it needs; we held the request only to reach this point.
            req.release();
        }
    }

    /** Re-registers a speaker's connection on a stage loop, then opens its session there. */
    private void moveToStage(io.netty.channel.Channel ch, WebSocketEndpoint.Session session) {
        ch.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                ch.close();
                return;
            }
            stageLoops.next().register(ch).addListener(r -> {
                if (r.isSuccess()) {
                    session.onOpen(); // on the stage loop now
                } else {
                    ch.close();
                }
            });
        });
    }

    private static boolean isUpgrade(HttpHeaders h) {
        return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && h.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        FullHttpResponse res;
        if (cause instanceof TooLongHttpHeaderException) {
            res = ErrorResponses.netty(StentorException.Kind.HEADERS_TOO_LARGE, "headers_too_large",
                    "The request headers are larger than the server accepts.");
        } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
            res = ErrorResponses.netty(StentorException.Kind.BAD_REQUEST, "request_line_too_long",
                    "The request line (method and URL) is too long.");
        } else {
            res = ErrorResponses.netty(StentorException.Kind.BAD_REQUEST, "malformed_request",
                    "The request is not valid HTTP/1.1.");
        }
        metrics.record("unmatched", "INVALID", res.status().code(), 0);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing useful to tell a client that is gone.
        ctx.close();
    }
}
