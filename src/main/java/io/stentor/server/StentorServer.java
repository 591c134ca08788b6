package io.stentor.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.stentor.account.AccountRoutes;
import io.stentor.account.AccountService;
import io.stentor.config.StentorConfig;
import io.stentor.guard.Admission;
import io.stentor.guard.ConnectionLimits;
import io.stentor.guard.GuardRoutes;
import io.stentor.guard.GuardState;
import io.stentor.guard.JoinRoutes;
import io.stentor.guard.JoinTickets;
import io.stentor.guard.LoadMonitor;
import io.stentor.guard.LoginThrottle;
import io.stentor.guard.ProofOfWork;
import io.stentor.guard.PendingHandshakes;
import io.stentor.guard.RateLimits;
import io.stentor.guard.ReplayPromises;
import io.stentor.guard.RequestGuard;
import io.stentor.guard.SigningKey;
import io.stentor.store.ServerSecrets;
import io.stentor.media.MediaPlane;
import io.stentor.media.MediaRoutes;
import io.stentor.notification.NotificationRoutes;
import io.stentor.notification.Notifier;
import io.stentor.space.Audience;
import io.stentor.space.SpaceEventHub;
import io.stentor.space.SpaceRoutes;
import io.stentor.space.SpaceService;
import io.stentor.space.StageService;
import io.stentor.store.Database;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Stentor server: the one entry point. {@code StentorServer.start(config)} opens the
 * database (migrating it), wires the features, and listens; {@link #close()} stops everything.
 *
 * <pre>{@code
 * try (StentorServer server = StentorServer.start(ConfigSources.defaultsWith(Map.of("http.port", "0")))) {
 *     System.out.println("listening on " + server.port());
 * }
 * }</pre>
 */
public final class StentorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StentorServer.class);

    private final Database db;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup stageLoop;
    private final ExecutorService blocking;
    private final SpaceEventHub hub;
    private final MediaPlane media;
    private final io.stentor.cluster.Cluster cluster;
    private final Channel listener;
    private final Router router;
    private final List<AutoCloseable> guards;

    private StentorServer(Database db, EventLoopGroup boss, EventLoopGroup workers, EventLoopGroup stageLoop,
            ExecutorService blocking,
            SpaceEventHub hub, MediaPlane media, io.stentor.cluster.Cluster cluster, Channel listener, Router router,
            List<AutoCloseable> guards) {
        this.cluster = cluster;
        this.guards = guards;
        this.db = db;
        this.boss = boss;
        this.workers = workers;
        this.stageLoop = stageLoop;
        this.blocking = blocking;
        this.hub = hub;
        this.media = media;
        this.listener = listener;
        this.router = router;
    }

    public static StentorServer start(StentorConfig cfg) {
        return start(cfg, null);
    }

    /**
     * Starts a server whose guard reads the node's load state from {@code guardState} (any thread
     * may call it) instead of its load monitor; null: the load monitor's (measured or forced).
     */
    public static StentorServer start(StentorConfig cfg, java.util.function.Supplier<GuardState> guardState) {
        // Millisecond ticks: what is returned at once equals what is read back from the database later.
        Clock clock = Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
        Database db = Database.open(cfg.db());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        AccountService accounts = new AccountService(db.jdbi(), cfg.auth(), clock);
        Notifier notifier = new Notifier(db.jdbi(), clock);
        Audience audience = new Audience();
        SpaceEventHub hub = new SpaceEventHub(audience, cfg.events().flushInterval());
        SpaceService spaces = new SpaceService(db.jdbi(), accounts.users(), audience, hub, notifier, clock);
        StageService stage = new StageService(spaces, notifier, cfg.spaces().reactionsPerSecond());
        MediaPlane media = new MediaPlane(cfg.media(), spaces, db.jdbi(), registry, clock);
        io.stentor.cluster.Cluster cluster = io.stentor.cluster.Cluster.join(cfg.cluster(), cfg.http(), media, spaces, registry);

        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // The speakers' connections move here once open: the audience's traffic never delays them.
        EventLoopGroup stageLoop = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        LoadMonitor load = new LoadMonitor(cfg.overload(), workers, media::queuedBytes, registry);
        ServerSecrets secrets = new ServerSecrets(db.jdbi());
        JoinTickets tickets = new JoinTickets(secrets.key("join-tickets"),
                cfg.admission().ticketTtl().toSeconds(), clock, registry);
        java.util.function.Supplier<GuardState> state = guardState != null ? guardState : load::state;
        Admission admission = new Admission(cfg.admission(), state, tickets, media::allListeners,
                media::webSocketListeners, registry);
        ReplayPromises promises = new ReplayPromises(notifier);
        media.onReplayPublished(promises::published);
        SigningKey guardKey = SigningKey.of(cfg.guard().secret(), () -> secrets.key("guard"));
        ProofOfWork proofOfWork = new ProofOfWork(cfg.guard(), guardKey, state, clock, registry);
        LoginThrottle loginThrottle = new LoginThrottle(cfg.guard(), guardKey, cfg.auth().cookieSecure(), clock, registry);

        Router router = new Router();
        new OpsRoutes(db, registry, load).register(router);
        new StaticFiles().register(router);
        proofOfWork.register(router);
        new AccountRoutes(accounts, cfg.auth(), loginThrottle, proofOfWork).register(router);
        new NotificationRoutes(notifier).register(router);
        new SpaceRoutes(spaces, stage, cfg.spaces().listLimit()).register(router);
        MediaRoutes mediaRoutes = new MediaRoutes(media, spaces, stage, tickets, admission);
        mediaRoutes.register(router);
        new io.stentor.media.hls.HlsRoutes(media.hls(), media::hlsPackager, spaces, mediaRoutes::visibleReplay, registry).register(router);
        io.stentor.safety.ActiveRecipients recipients = new io.stentor.safety.ActiveRecipients(db.jdbi(),
                SigningKey.of("", () -> secrets.key("active-recipients")), clock);
        audience.onArrival(recipients::seenAnonymous);
        new JoinRoutes(spaces, stage, admission, tickets, promises, proofOfWork::require, cluster.placement(),
                recipients::seen).register(router);
        new GuardRoutes(load, admission).register(router);
        io.stentor.safety.Terms terms = new io.stentor.safety.Terms(cfg.safety().termsDir());
        List<AutoCloseable> timers = new java.util.ArrayList<>(List.of(load, admission, recipients));
        if (!cfg.safety().tdbUrl().isEmpty()) {
            timers.add(new io.stentor.safety.TdbSubmitter(new io.stentor.safety.TdbOutbox(db.jdbi(), clock), cfg.safety().tdbUrl(),
                    cfg.safety().tdbToken(), cfg.safety().tdbInterval()));
        }
        io.stentor.safety.SafetyService safety = io.stentor.safety.Safety.register(router, db.jdbi(), spaces, stage, accounts.users(), notifier, terms, guardKey,
                new io.stentor.safety.ModeratedReplays() {
                    @Override
                    public boolean remove(String spaceId, boolean removed) {
                        return media.removeReplayByModeration(spaceId, removed);
                    }

                    @Override
                    public boolean exists(String spaceId) {
                        return media.hasRecording(spaceId);
                    }

                    @Override
                    public void cut(String spaceId, String cutId, long fromMs, long toMs, String moderatorId) {
                        media.cutReplay(spaceId, cutId, fromMs, toMs, moderatorId);
                    }

                    @Override
                    public void uncut(String spaceId, String cutId) {
                        media.restoreReplayCut(spaceId, cutId);
                    }
                }, cfg.misuse(), clock);
        wireEvidence(cfg, db, spaces, safety, router, timers, clock);
        new io.stentor.safety.LiveEventRoutes(new io.stentor.safety.LiveEvents(db.jdbi(), spaces, media, clock,
                cfg.safety().riskRecordAudience())).register(router);
        new io.stentor.safety.OrderRoutes(new io.stentor.safety.Orders(db.jdbi(), clock), new io.stentor.safety.Escalations(
                db.jdbi(), cfg.db().dataDir().resolve("evidence"), clock)).register(router);
        new io.stentor.safety.ReportRoutes(new io.stentor.safety.TransparencyFigures(db.jdbi(), recipients, clock),
                new io.stentor.safety.PublishedReports(db.jdbi(), clock)).register(router);
        media.resumeLiveSpaces();

        Gauge.builder("stentor.spaces.live", spaces, SpaceService::liveCount)
                .description("Spaces that are live now").register(registry);
        Gauge.builder("stentor.listeners", audience, Audience::total)
                .description("Listeners in live spaces on this node").register(registry);
        FunctionCounter.builder("stentor.auth.password.hashes", accounts, AccountService::passwordHashes)
                .description("Argon2 password hashes computed (sign-ups, logins, decoys)").register(registry);

        ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stentor-req-", 0).factory());
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(
                            cfg.http().writeBufferBytes() / 2, cfg.http().writeBufferBytes()))
                    .childHandler(new HttpPipeline(cfg.http(), router, token -> accounts.authenticate(token)
                            .map(c -> { recipients.seen(c.userId()); return c; }), blocking,
                            new HttpMetrics(registry), new ConnectionLimits(cfg.guard(), registry),
                            new PendingHandshakes(cfg.guard(), registry, load::eventLoopLagNanos),
                            new RequestGuard(new RateLimits(cfg.guard(), registry)), stageLoop));
            if (cfg.http().socketSendBuffer() > 0) {
                b.childOption(ChannelOption.SO_SNDBUF, cfg.http().socketSendBuffer());
            }
            Channel ch = b.bind(cfg.http().host(), cfg.http().port()).syncUninterruptibly().channel();
            StentorServer server = new StentorServer(db, boss, workers, stageLoop, blocking, hub, media, cluster, ch, router,
                    timers);
            cluster.serving(server.port());
            LOG.info("Stentor listening on http://{}:{} (database {}, {} transport)", cfg.http().host(), server.port(),
                    cfg.db().effectiveUrl().replaceAll(";.*", ""), epoll ? "epoll" : "nio");
            return server;
        } catch (RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            stageLoop.shutdownGracefully();
            blocking.shutdownNow();
            cluster.close();
            media.close();
            for (AutoCloseable t : timers) {
                try {
                    t.close();
                } catch (Exception ignored) {
                    // already failing to start: the first error is the one to report
                }
            }
            hub.close();
            db.close();
            throw e;
        }
    }

    /** Evidence for moderators: preserved on every notice, played to them, deleted when its retention ends. */
    private static void wireEvidence(StentorConfig cfg, Database db, SpaceService spaces, io.stentor.safety.SafetyService safety,
            Router router, List<AutoCloseable> timers, Clock clock) {
        io.stentor.safety.EvidenceStore evidence = new io.stentor.safety.EvidenceStore(db.jdbi(),
                new io.stentor.media.RecordingClips(db.jdbi()), spaces, cfg.db().dataDir().resolve("evidence"),
                (long) cfg.safety().evidenceMaxMib() << 20, clock);
        safety.preserveEvidenceWith(evidence);
        io.stentor.safety.EvidenceRetention retention = new io.stentor.safety.EvidenceRetention(db.jdbi(), evidence,
                cfg.safety().evidenceRetention(), cfg.safety().evidenceSweepInterval(), clock);
        spaces.events().observe(retention); // after the media plane's: the recording is closed when it hears of an end
        timers.add(retention);
        new io.stentor.safety.EvidenceRoutes(evidence, spaces, new io.stentor.safety.AuditLog(db.jdbi(), clock)).register(router);
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Every route the server has, for documentation checks. */
    public java.util.List<Router.Route> routes() {
        return router.routes();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        cluster.close(); // an edge says it is leaving before its listeners are told to reconnect
        media.close(); // while the event loops still run, so listeners get their goodbye
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        // A short quiet period lets clients that were just sent a close frame read it and answer.
        var stageDone = stageLoop.shutdownGracefully(300, 2000, java.util.concurrent.TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(300, 2000, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
        stageDone.syncUninterruptibly();
        blocking.shutdownNow();
        for (AutoCloseable g : guards) {
            try {
                g.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", g, e);
            }
        }
        hub.close();
        db.close();
    }
}
