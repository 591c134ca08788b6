package io.stentor.media;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.stentor.account.Caller;
import io.stentor.error.StentorException;
import io.stentor.guard.Admission;
import io.stentor.guard.JoinTicket;
import io.stentor.guard.JoinTickets;
import io.stentor.guard.Priority;
import io.stentor.media.codec.OpusPackets;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Json;
import io.stentor.server.Router;
import io.stentor.server.WebSocketEndpoint;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import io.stentor.space.StageService;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The media endpoints: speak and listen over WebSocket, the Icecast-compatible Ogg stream, and the
 * replay. Formats are in docs/PROTOCOL.md.
 */
public final class MediaRoutes {

    /** Tells speakers which slot (the {@code source} byte of forwarded packets) is whose. */
    record Slots(String type, Map<Integer, String> slots) {
    }

    /**
     * A replay's details; {@code cuts} are the ranges a moderator cut from the live broadcast,
     * silenced in the replay (ms on its timeline).
     */
    record ReplayView(String url, long durationMillis, long bytes, boolean published, List<BroadcastCut> cuts) {
    }

    private final MediaPlane plane;
    private final SpaceService spaces;
    private final StageService stage;
    private final JoinTickets tickets;
    private final Admission admission;
    private final AtomicLong connectionIds = new AtomicLong();

    public MediaRoutes(MediaPlane plane, SpaceService spaces, StageService stage, JoinTickets tickets, Admission admission) {
        this.plane = plane;
        this.spaces = spaces;
        this.stage = stage;
        this.tickets = tickets;
        this.admission = admission;
    }

    public void register(Router r) {
        r.webSocket("/api/v1/spaces/{id}/speak", this::speak);
        r.webSocket("/api/v1/spaces/{id}/listen", this::listen);
        r.get("/spaces/{id}/live.opus", this::liveOgg);
        // A storm of bad tickets or ticketless players is turned away on the network thread.
        r.precheck("/api/v1/spaces/{id}/listen", req -> refuseEarly(req, true));
        r.precheck("/spaces/{id}/live.opus", req -> refuseEarly(req, false));
        r.get("/spaces/{id}/replay.opus", this::replayFile);
        r.get("/api/v1/spaces/{id}/replay", req -> ApiResponse.ok(replayView(req)));
        r.post("/api/v1/spaces/{id}/replay/publish", req -> {
            Space s = spaces.hostedBy(req.requireCaller(), req.param("id"));
            Recording rec = readyRecording(s.id());
            plane.publishReplay(s.id());
            return ApiResponse.ok(new ReplayView(url(s.id()), rec.durationMillis(), rec.bytes(), true,
                    plane.cuts(s.id())));
        });
        r.delete("/api/v1/spaces/{id}/replay", req -> {
            Space s = spaces.hostedBy(req.requireCaller(), req.param("id"));
            Recording rec = readyRecording(s.id());
            try {
                Files.deleteIfExists(rec.file());
                if (rec.airedFile() != null) {
                    Files.deleteIfExists(rec.airedFile());
                }
            } catch (IOException e) {
                throw new StentorException(StentorException.Kind.UNAVAILABLE, "remove_failed",
                        "The replay file could not be removed; try again.");
            }
            plane.recordings().removed(s.id());
            return ApiResponse.noContent();
        });
    }

    // ---- speaking

    private WebSocketEndpoint.Session speak(ApiRequest req, WebSocketEndpoint.Peer peer) {
        Caller caller = req.requireCaller();
        String spaceId = req.param("id");
        LiveSpace ls = liveSpace(spaceId);
        LiveSpace.StageSeat seat = ls.seat(caller.userId());
        if (seat == null) {
            throw StentorException.forbidden("not_on_stage", "Only people on stage may speak; ask to speak first.");
        }
        return new WebSocketEndpoint.Session() {
            private SpeakerChannel speaker;

            @Override
            public boolean onStage() {
                return true;
            }

            @Override
            public void onOpen() {
                speaker = ls.addSpeaker(caller.userId(), caller.user().handle(), peer.channel(),
                        plane.codec().newDecoder());
                announceSlots(ls);
            }

            @Override
            public boolean onBinary(ByteBuf data) {
                if (speaker != null) {
                    ingest(ls, speaker, data);
                }
                return true;
            }

            @Override
            public void onClose() {
                if (speaker != null) {
                    ls.removeSpeaker(speaker);
                    announceSlots(ls);
                }
            }
        };
    }

    /** Checks one speaker message cheaply, in order of cost, and hands it to the space. */
    private void ingest(LiveSpace ls, SpeakerChannel speaker, ByteBuf data) {
        long arrival = System.nanoTime();
        MediaStage in = plane.ingestStage;
        in.in();
        if (data.readableBytes() - MediaWire.HEADER_BYTES > plane.cfg.maxPacketBytes()) {
            in.drop(DropReason.OVERSIZED);
            return;
        }
        if (!speaker.withinRate()) {
            in.drop(DropReason.FLOOD);
            return;
        }
        MediaWire.Packet p = MediaWire.parse(data, bad -> in.drop(DropReason.MALFORMED));
        if (p == null) {
            return;
        }
        if (!OpusPackets.check(p.opus(), plane.cfg.maxPacketBytes()).accepted()) {
            in.drop(DropReason.INVALID_OPUS);
            return;
        }
        ls.ingest(speaker, p, arrival); // counts out, or drops as muted / no longer on stage
    }

    private void announceSlots(LiveSpace ls) {
        byte[] json = Json.write(new Slots("slots", ls.slotsByHandle()));
        for (SpeakerChannel s : ls.speakersNow()) {
            s.channel.writeAndFlush(new TextWebSocketFrame(io.netty.buffer.Unpooled.wrappedBuffer(json)));
        }
    }

    // ---- listening

    private WebSocketEndpoint.Session listen(ApiRequest req, WebSocketEndpoint.Peer peer) {
        String spaceId = req.param("id");
        Listener who = listener(req, spaceId, true);
        return new WebSocketEndpoint.Session() {
            private boolean opened;

            @Override
            public void onOpen() {
                opened = true;
                stage.addListener(spaceId, who.key(), who.connection());
                Runnable gone = () -> {
                    stage.removeListener(spaceId, who.key(), who.connection());
                    who.release();
                };
                if (!plane.listen(spaceId, peer.channel(), who.userId(), gone)) {
                    gone.run();
                    peer.close(1000, "the space has ended");
                }
            }

            @Override
            public void onClose() {
                // Once open, the fan-out tells us when the listener is gone (onGone above).
                if (!opened) {
                    who.release();
                }
            }
        };
    }

    private ApiResponse liveOgg(ApiRequest req) {
        String spaceId = req.param("id");
        Listener who = listener(req, spaceId, false);
        ListenerOutputs out = plane.outputs(spaceId).orElseThrow(() -> {
            who.release();
            return new StentorException(StentorException.Kind.CONFLICT, "space_not_live", "This space is not live.");
        });
        return ApiResponse.stream("audio/ogg", ch -> {
            stage.addListener(spaceId, who.key(), who.connection());
            out.listenOgg(ch, who.userId(), () -> {
                stage.removeListener(spaceId, who.key(), who.connection());
                who.release();
            });
        }).header("icy-name", asciiOnly(out.title)).header("icy-pub", "0")
                .header("Access-Control-Allow-Origin", "*");
    }

    /**
     * Who a media connection holds in the audience (the user once however they listen, or an
     * anonymous id), and the ticket it holds, given back when the connection ends.
     */
    private record Listener(String key, String connection, String userId, JoinTicket ticket, JoinTickets tickets) {
        void release() {
            if (ticket != null) {
                tickets.release(ticket);
            }
        }
    }

    /** What the network thread can refuse at once: a bad ticket, or an anonymous player while people wait. */
    private StentorException refuseEarly(ApiRequest req, boolean webSocket) {
        String spaceId = req.param("id");
        Optional<String> token = req.query("ticket");
        try {
            if (token.isPresent()) {
                tickets.verify(token.get(), spaceId);
                return null;
            }
        } catch (StentorException bad) {
            return bad;
        }
        if (req.hasCredentials() || !plane.serving(spaceId)) {
            return null; // the handler decides (signed-in priorities, or which error a missing space gets)
        }
        return admission.refuseEarly(spaceId, webSocket);
    }

    /**
     * Admits a media connection. With {@code ?ticket=}: checked without the database (signature,
     * space, expiry, one connection per ticket). Without: an ordinary player, let in only while
     * a join would be admitted at once (see {@link Admission#direct}).
     */
    private Listener listener(ApiRequest req, String spaceId, boolean webSocket) {
        String connection = "media:" + connectionIds.incrementAndGet();
        Optional<String> token = req.query("ticket");
        if (token.isPresent()) {
            JoinTicket t = tickets.verify(token.get(), spaceId);
            Admission.requireTier(t, webSocket);
            listenable(spaceId);
            tickets.claim(t);
            admission.connected(t);
            boolean anonymous = t.subject().startsWith("anon:");
            return new Listener(t.subject(), connection, anonymous ? null : t.subject(), t, tickets);
        }
        listenable(spaceId);
        Optional<Caller> caller = req.caller();
        io.stentor.space.SpaceModeration.requireAllowed(spaces.recent(spaceId), caller); // no database read per player in a storm
        if (caller.isPresent() && spaces.isBlocked(spaceId, caller.get().userId())) {
            throw StentorException.forbidden("blocked", "You were removed from this space.");
        }
        admission.direct(spaceId, Priority.of(caller), webSocket);
        return caller.map(c -> new Listener(c.userId(), connection, c.userId(), null, tickets))
                .orElseGet(() -> new Listener(StageService.anonymousListener(req.query("listener"), connection),
                        connection, null, null, tickets));
    }

    /**
     * The running space. The hot path of a join storm: a live space is found in memory without
     * touching the database; only a miss asks the database which error to give.
     */
    private LiveSpace liveSpace(String spaceId) {
        return plane.live(spaceId).orElseThrow(() -> notRunning(spaceId));
    }

    /** The outputs listeners of the space join here: mixed here, or relayed from the origin (an edge). */
    private ListenerOutputs listenable(String spaceId) {
        return plane.outputs(spaceId).orElseThrow(() -> notRunning(spaceId));
    }

    /** Why a space's media is not here: it is not live (409), or it is but not on this server (503). */
    private StentorException notRunning(String spaceId) {
        Space s = spaces.get(spaceId);
        if (s.state() != SpaceState.LIVE) {
            return StentorException.conflict("space_not_live", "This space is " + s.state().name().toLowerCase()
                    + ", not live.");
        }
        return new StentorException(StentorException.Kind.UNAVAILABLE, "media_unavailable",
                "The audio of this space is not running on this server.");
    }

    // ---- replay

    private ApiResponse replayFile(ApiRequest req) {
        Recording rec = visibleRecording(req);
        // A held replay fetched by its host must not be kept by shared caches.
        // As it aired: a moderator's cuts are silent in it (the recording itself keeps what was said).
        return ApiResponse.file(rec.replayFile(), "audio/ogg")
                .header("Cache-Control", rec.published() ? "public, max-age=60" : "private, no-store");
    }

    private ReplayView replayView(ApiRequest req) {
        Recording rec = visibleRecording(req);
        return new ReplayView(url(rec.spaceId()), rec.durationMillis(), rec.bytes(), rec.published(),
                plane.cuts(rec.spaceId()));
    }

    /**
     * The finished recording of {@code req}'s space ({@code {id}}) if the caller may hear it, with
     * the same checks and errors as the replay file: for the replay in other forms (HLS).
     */
    public ReplayFile visibleReplay(ApiRequest req) {
        Recording rec = visibleRecording(req);
        return new ReplayFile(rec.spaceId(), rec.replayFile(), rec.published(), rec.endedAt()); // as aired: cuts silenced
    }

    /** The recording if it is finished and the caller may hear it: published, or the host/an admin asks. */
    private Recording visibleRecording(ApiRequest req) {
        Space s = spaces.get(req.param("id"));
        io.stentor.space.SpaceModeration.requireAllowed(s, req.caller());
        Recording rec = readyRecording(s.id());
        if (rec.removed()) {
            throw new StentorException(StentorException.Kind.GONE, "replay_removed",
                    "The replay of this space was removed by the moderators (see the host's statement of reasons).");
        }
        if (!rec.published()) {
            boolean host = req.caller().map(c -> c.isAdmin() || c.userId().equals(s.hostId())).orElse(false);
            if (!host) {
                throw StentorException.notFound("replay_not_published", "The replay of this space is not published yet.");
            }
        }
        return rec;
    }

    private Recording readyRecording(String spaceId) {
        return plane.recordings().find(spaceId).filter(r -> r.state() == Recording.State.READY)
                .orElseThrow(() -> StentorException.notFound("no_replay", "This space has no replay (yet)."));
    }

    private static String url(String spaceId) {
        return "/spaces/" + spaceId + "/replay.opus";
    }

    private static String asciiOnly(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
