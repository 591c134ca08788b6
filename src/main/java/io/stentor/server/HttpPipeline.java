package io.stentor.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.stentor.account.Caller;
import io.stentor.config.StentorConfig;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Builds each connection's pipeline, limits first:
 * <pre>ConnectionLimits → codec(max line, max headers) → PendingHandshakes → HeaderReadTimeout → IdleStateHandler → BodyLimit
 *     → HttpDispatcher (rate limits, then routing)</pre>
 */
final class HttpPipeline extends ChannelInitializer<SocketChannel> {

    private static final int MAX_REQUEST_LINE = 8192;

    private final StentorConfig.Http cfg;
    private final Router router;
    private final Function<String, Optional<Caller>> authenticator;
    private final ExecutorService blocking;
    private final HttpMetrics metrics;
    private final io.stentor.guard.ConnectionLimits connectionLimits;
    private final io.stentor.guard.RequestGuard guard;
    private final io.stentor.guard.PendingHandshakes pendingHandshakes;
    private final io.netty.channel.EventLoopGroup stageLoops;

    HttpPipeline(StentorConfig.Http cfg, Router router, Function<String, Optional<Caller>> authenticator,
            ExecutorService blocking, HttpMetrics metrics, io.stentor.guard.ConnectionLimits connectionLimits,
            io.stentor.guard.PendingHandshakes pendingHandshakes, io.stentor.guard.RequestGuard guard,
            io.netty.channel.EventLoopGroup stageLoops) {
        this.stageLoops = stageLoops;
        this.connectionLimits = connectionLimits;
        this.pendingHandshakes = pendingHandshakes;
        this.guard = guard;
        this.cfg = cfg;
        this.router = router;
        this.authenticator = authenticator;
        this.blocking = blocking;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("limits", connectionLimits)
                .addLast("codec", new HttpServerCodec(MAX_REQUEST_LINE, cfg.maxHeaderBytes(), 8192))
                .addLast("pending", pendingHandshakes.gate())
                .addLast("head-timeout", new HeaderReadTimeout(cfg.headerReadTimeout()))
                .addLast("idle", new IdleStateHandler(0, 0, cfg.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("body", new BodyLimit(cfg.maxBodyBytes()))
                .addLast("dispatch", new HttpDispatcher(router, authenticator, blocking, metrics,
                        cfg.maxWebSocketFrameBytes(), guard, stageLoops));
    }
}
