package io.stentor.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.config.StentorConfig;
import io.stentor.error.StentorException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Decides who listens live on this node, fairly and in announced steps (the degradation ladder in
 * docs/OPERATIONS.md): people on stage and moderators always; returning listeners next; new joins
 * at a controlled rate ({@code admission.per-second}, halved when constrained, a quarter when
 * critical) while there is room, and otherwise in a first-come-first-served waiting room; the
 * WebSocket tier up to its cap, the HTTP tier beyond; and when the node is critical, a small live
 * audience only: new listeners who neither follow nor were invited are told the replay will be
 * published. The answer is a signed ticket ({@link JoinTickets}) the media endpoints check
 * without the database. Thread-safe.
 */
public final class Admission implements AutoCloseable {

    /** What a join gets. */
    public sealed interface Decision permits Admitted, Waiting, ReplayLater {
    }

    /**
     * In: connect with this ticket before {@code expiresAt} (epoch seconds), on this tier;
     * {@code reason} says why the tier is not the one asked for (null when it is).
     */
    public record Admitted(String ticket, Tier tier, Priority priority, long expiresAt, String reason) implements Decision {
    }

    /**
     * In the waiting room: {@code number} is the place's ticket number (first come, first served),
     * {@code position} 1 is next; ask again with {@code waitId} after {@code retryAfter} s.
     */
    public record Waiting(String waitId, long number, long position, long etaSeconds, long retryAfter, String reason)
            implements Decision {
    }

    /** Not live this time (small live audience): the replay will be published. */
    public record ReplayLater(String reason) implements Decision {
    }

    /** A join to decide. {@code eligibleForSmallAudience} is asked only when the node is critical. */
    public record Request(String spaceId, String subject, Priority priority, Tier wanted,
            BooleanSupplier eligibleForSmallAudience, String waitId) {

        boolean wantsWebSocket() {
            return wanted == Tier.WEBSOCKET;
        }
    }

    private static final long TICK_MS = 50;

    private final StentorConfig.Admission cfg;
    private final Supplier<GuardState> state;
    private final JoinTickets tickets;
    private final IntSupplier allListeners;
    private final IntSupplier webSocketListeners;
    private final WaitingRoom room = new WaitingRoom();
    private final Map<String, Long> reserved = new HashMap<>(); // ticket nonce -> expiry (nanos): admitted, not yet connected
    private final Map<String, Counter> outcomes = new HashMap<>();
    private final Map<Priority, Counter> admittedBy = new EnumMap<>(Priority.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "admission");
        t.setDaemon(true);
        return t;
    });
    private double tokens;
    private long ticks;
    private long lastRefill = System.nanoTime();

    public Admission(StentorConfig.Admission cfg, Supplier<GuardState> state, JoinTickets tickets, IntSupplier allListeners,
            IntSupplier webSocketListeners, MeterRegistry registry) {
        this.cfg = cfg;
        this.state = state;
        this.tickets = tickets;
        this.allListeners = allListeners;
        this.webSocketListeners = webSocketListeners;
        this.tokens = cfg.perSecond();
        for (String o : new String[] {"admitted", "waiting", "replay_later", "refused"}) {
            outcomes.put(o, Counter.builder("stentor.admission.decisions").tag("outcome", o)
                    .description("Join decisions by outcome").register(registry));
        }
        for (Priority p : Priority.values()) {
            admittedBy.put(p, Counter.builder("stentor.admission.admitted").tag("priority", p.label())
                    .description("Joins admitted, by priority class").register(registry));
        }
        Gauge.builder("stentor.admission.waiting", this, a -> a.waiting()).description("People in the waiting room")
                .register(registry);
        Gauge.builder("stentor.admission.rate", this, a -> a.rate()).description("New listeners admitted per second now")
                .register(registry);
        timer.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Decides a join (POST /join): admitted, waiting, told the replay comes later, or refused (503). */
    public Decision join(Request r) {
        GuardState now = state.get();
        synchronized (this) {
            WaitingRoom.Place place = room.find(r.waitId());
            if (place != null && place.spaceId.equals(r.spaceId()) && place.subject.equals(r.subject())) {
                return askAgain(place, r);
            }
            if (r.priority().bypassesAdmission()) {
                return admit(r.spaceId(), r.subject(), r.priority(), r.wantsWebSocket());
            }
            boolean returning = r.priority() == Priority.ADMITTED;
            // The CDN tier holds nothing here: asked for, it is given at once; and with hls-when-full,
            // whoever would wait or be told "replay later" listens through it instead.
            if (r.wanted() == Tier.HLS || (cfg.hlsWhenFull() && !returning
                    && (now == GuardState.CRITICAL || !hasRoom() || this.room.waiting() > 0))) {
                return admitToHls(r);
            }
            if (!returning && now == GuardState.CRITICAL && !r.eligibleForSmallAudience().getAsBoolean()) {
                outcomes.get("replay_later").increment();
                return new ReplayLater("This space is at capacity: it is live for a small audience only right now. "
                        + "Its replay will be published when it ends.");
            }
            boolean room = hasRoom();
            if (room && (returning || (this.room.waiting() == 0 && takeToken()))) {
                return admit(r.spaceId(), r.subject(), r.priority(), r.wantsWebSocket());
            }
            if (this.room.waiting() >= cfg.maxWaiting()) {
                outcomes.get("refused").increment();
                long retry = Math.max(5, Math.min(300, this.room.waiting() / Math.max(1, (long) rate())));
                throw new StentorException(StentorException.Kind.UNAVAILABLE, "waiting_room_full",
                        "So many people are joining that the waiting room is full; try again in " + retry + " s.")
                        .retryAfter(retry);
            }
            WaitingRoom.Place p = this.room.enter(r.spaceId(), r.subject(), r.priority(), System.nanoTime());
            outcomes.get("waiting").increment();
            return waiting(p, room ? "Many people are joining at once" : "This server is full");
        }
    }

    /**
     * A media connection without a ticket (an ordinary player): let in only when a join would be
     * admitted at once with nobody waiting; otherwise 503 and the way to a waiting-room place.
     */
    public void direct(String spaceId, Priority priority, boolean webSocket) {
        if (priority.bypassesAdmission()) {
            return;
        }
        synchronized (this) {
            StentorException no = refusal(spaceId, webSocket);
            if (no == null && !takeToken()) {
                no = joinRequired(spaceId);
            }
            if (no != null) {
                outcomes.get("refused").increment();
                throw no;
            }
            outcomes.get("admitted").increment();
            admittedBy.get(priority).increment();
        }
    }

    /**
     * The refusal {@link #direct} would give an anonymous player right now, without taking
     * anything: for the network thread, so that a ticketless storm is turned away before any
     * handler runs. Null when it would be let in (the handler then decides for real).
     */
    public StentorException refuseEarly(String spaceId, boolean webSocket) {
        StentorException no;
        synchronized (this) {
            no = refusal(spaceId, webSocket);
            if (no == null) {
                refill();
                if (tokens < 1) {
                    no = joinRequired(spaceId);
                }
            }
        }
        if (no != null) {
            outcomes.get("refused").increment();
        }
        return no;
    }

    /** Why a ticketless connection cannot come in now (not counting the admission rate); null if it can. */
    private StentorException refusal(String spaceId, boolean webSocket) {
        if (state.get() == GuardState.CRITICAL) {
            return busy("small_audience", "This space is live for a small audience only right now; its replay will be "
                    + "published when it ends.", 30);
        }
        if (webSocket && !webSocketRoom(1)) {
            return busy("websocket_full", "No more WebSocket listeners fit on this server; listen over HTTP at "
                    + "/spaces/" + spaceId + "/live.opus.", 5);
        }
        if (room.waiting() > 0 || !hasRoom()) {
            return joinRequired(spaceId);
        }
        return null;
    }

    private static StentorException joinRequired(String spaceId) {
        return busy("join_required", "Many people are joining: POST /api/v1/spaces/" + spaceId
                + "/join for a place in the waiting room.", 2);
    }

    /** A ticket's first connection arrived: its reservation is now a listener. */
    public synchronized void connected(JoinTicket t) {
        reserved.remove(t.nonce());
    }

    /**
     * The ticket class for a media connection on {@code tier}: refuses a WebSocket when the ticket
     * says HTTP, and any connection when it says HLS (that tier holds no socket here).
     */
    public static void requireTier(JoinTicket t, boolean webSocket) {
        if (t.tier() == Tier.HLS) {
            throw StentorException.conflict("ticket_for_hls", "This ticket is for the HLS tier: listen at /spaces/"
                    + t.spaceId() + "/hls/index.m3u8.");
        }
        if (webSocket && t.tier() == Tier.HTTP) {
            throw StentorException.conflict("ticket_for_http", "This ticket is for the HTTP tier: listen at /spaces/"
                    + t.spaceId() + "/live.opus?ticket=...");
        }
    }

    /** How long after its ticket expired a listener still counts as returning. */
    public long rejoinGraceSeconds() {
        return cfg.rejoinGrace().toSeconds();
    }

    public synchronized int waiting() {
        return room.waiting();
    }

    /** New listeners admitted per second in the current state. */
    public double rate() {
        return switch (state.get()) {
            case NORMAL -> cfg.perSecond();
            case CONSTRAINED -> cfg.perSecond() / 2.0;
            case CRITICAL -> cfg.perSecond() / 4.0;
        };
    }

    private Decision askAgain(WaitingRoom.Place place, Request r) {
        place.lastSeen = System.nanoTime();
        if (place.admitted) {
            room.remove(place);
            reserved.remove("place:" + place.id);
            return issue(place.spaceId, place.subject, place.priority, r.wantsWebSocket());
        }
        return waiting(place, "Waiting for room");
    }

    private Waiting waiting(WaitingRoom.Place p, String reason) {
        long ahead = room.ahead(p);
        double perSecond = Math.max(0.1, rate());
        long eta = (long) Math.ceil((ahead + 1) / perSecond);
        long retry = Math.max(1, Math.min(10, eta / 2));
        return new Waiting(p.id, p.number, ahead + 1, eta, retry, reason);
    }

    private Admitted admitToHls(Request r) {
        outcomes.get("admitted").increment();
        admittedBy.get(r.priority()).increment();
        String ticket = tickets.issue(r.spaceId(), r.subject(), Tier.HLS, r.priority());
        return new Admitted(ticket, Tier.HLS, r.priority(), tickets.authentic(ticket).expiresAt(), r.wanted() == Tier.HLS ? null
                : "So many people are listening that new listeners hear the space through HLS, a few seconds behind live.");
    }

    private Admitted admit(String spaceId, String subject, Priority priority, boolean wantsWebSocket) {
        outcomes.get("admitted").increment();
        return issue(spaceId, subject, priority, wantsWebSocket);
    }

    private Admitted issue(String spaceId, String subject, Priority priority, boolean wantsWebSocket) {
        admittedBy.get(priority).increment();
        boolean ws = wantsWebSocket && (priority.bypassesAdmission() || webSocketRoom(1));
        Tier tier = ws ? Tier.WEBSOCKET : Tier.HTTP;
        String ticket = tickets.issue(spaceId, subject, tier, priority);
        JoinTicket t = tickets.authentic(ticket);
        reserved.put(t.nonce(), System.nanoTime() + TimeUnit.SECONDS.toNanos(tickets.ttlSeconds()));
        String reason = wantsWebSocket && !ws ? (state.get() == GuardState.NORMAL
                ? "The WebSocket tier of this server is full: listen over HTTP."
                : "This server is under pressure: new listeners get the HTTP tier, which costs it less.") : null;
        return new Admitted(ticket, tier, priority, t.expiresAt(), reason);
    }

    /** Whether a WebSocket listener fits (mode 1 of the ladder: beyond the cap, or when not normal, HTTP). */
    private boolean webSocketRoom(int extra) {
        return state.get() == GuardState.NORMAL && webSocketListeners.getAsInt() + extra <= cfg.maxWebSocketListeners();
    }

    private boolean hasRoom() {
        return allListeners.getAsInt() + reserved.size() < cfg.maxListeners();
    }

    private boolean takeToken() {
        refill();
        if (tokens >= 1) {
            tokens--;
            return true;
        }
        return false;
    }

    private void refill() {
        long now = System.nanoTime();
        double perSecond = rate();
        tokens = Math.min(Math.max(1, perSecond), tokens + perSecond * (now - lastRefill) / 1e9);
        lastRefill = now;
    }

    /** Admits from the head of the waiting room as the rate and the room allow; forgets stale reservations. */
    private synchronized void tick() {
        long now = System.nanoTime();
        long timeout = cfg.waitingTimeout().toNanos();
        if (++ticks % 20 == 0) { // once a second is enough to forget what expired
            reserved.values().removeIf(expiry -> expiry < now);
        }
        room.dropUnclaimed(now, timeout);
        WaitingRoom.Place p;
        while ((p = room.head(now, timeout)) != null && hasRoom() && takeToken()) {
            room.admitHead(now);
            reserved.put("place:" + p.id, now + timeout); // held until its client picks up the ticket
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static StentorException busy(String code, String message, long retryAfter) {
        return new StentorException(StentorException.Kind.UNAVAILABLE, code, message).retryAfter(retryAfter);
    }
}
