package io.stentor.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.config.StentorConfig;
import io.stentor.guard.ListenerPlacement;
import io.stentor.media.MediaPlane;
import io.stentor.space.SpaceService;
import io.stentor.store.Ids;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in a cluster, wired from its config: nothing on a single node; on an origin, the
 * frame publisher and the live table of edges (placement of new listeners); on an edge, the
 * on-demand subscriptions and the heartbeat. See "Scaling out" in docs/OPERATIONS.md.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final StentorConfig.Cluster cfg;
    private final StentorConfig.Http http;
    private final Role role;
    private final String node;
    private final NatsLink nats;
    private final MediaPlane media;
    private final ListenerPlacement placement;
    private final List<AutoCloseable> parts = new ArrayList<>();

    private Cluster(StentorConfig.Cluster cfg, StentorConfig.Http http, MediaPlane media, NatsLink nats,
            ListenerPlacement placement, String node) {
        this.cfg = cfg;
        this.http = http;
        this.role = Role.of(cfg.role());
        this.media = media;
        this.nats = nats;
        this.placement = placement;
        this.node = node;
    }

    /** Connects this node to its cluster (when {@code nats} is set) and hooks the media plane to it. */
    public static Cluster join(StentorConfig.Cluster cfg, StentorConfig.Http http, MediaPlane media, SpaceService spaces,
            MeterRegistry registry) {
        if (!cfg.clustered()) {
            return new Cluster(cfg, http, media, null, ListenerPlacement.HERE, null);
        }
        Role role = Role.of(cfg.role());
        String node = role.name().toLowerCase() + "-" + Ids.next();
        NatsLink nats = new NatsLink(cfg.nats(), "stentor " + node, registry);
        ClusterSubjects subjects = new ClusterSubjects(cfg.subjectPrefix());
        if (role == Role.EDGE) {
            EdgeSubscriptions relay = new EdgeSubscriptions(nats, subjects, media, spaces, registry);
            media.joinCluster(relay, false);
            Cluster c = new Cluster(cfg, http, media, nats, ListenerPlacement.HERE, node);
            c.parts.add(relay);
            return c;
        }
        FramePublisher publisher = new FramePublisher(nats, subjects, registry);
        media.joinCluster(publisher, true);
        spaces.events().observe(publisher);
        return new Cluster(cfg, http, media, nats, new EdgeDirectory(nats, subjects, cfg.edgeTimeout(), registry), node);
    }

    /** Where admitted listeners are sent: the least-loaded live edge on an origin with edges, else here. */
    public ListenerPlacement placement() {
        return placement;
    }

    /** The node is listening on {@code port}: an edge starts reporting its load (and so gets listeners). */
    public void serving(int port) {
        if (role != Role.EDGE || nats == null) {
            return;
        }
        String url = cfg.publicUrl().isEmpty() ? "http://" + (http.host().equals("0.0.0.0") ? "127.0.0.1" : http.host())
                + ":" + port : cfg.publicUrl().replaceAll("/+$", "");
        parts.add(0, new EdgeHeartbeat(nats, new ClusterSubjects(cfg.subjectPrefix()), media, node, url, cfg.region(),
                cfg.heartbeatInterval()));
        LOG.info("edge {} serving listeners at {} (subjects {}.*)", node, url, cfg.subjectPrefix());
    }

    /** Leaves the cluster: an edge says it is leaving first, so no new listener is sent here. */
    @Override
    public void close() {
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                LOG.warn("leaving the cluster: {} failed", p, e);
            }
        }
        if (nats != null) {
            nats.close();
        }
    }
}
