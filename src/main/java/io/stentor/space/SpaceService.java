package io.stentor.space;

import io.stentor.account.Caller;
import io.stentor.account.User;
import io.stentor.account.UserRepository;
import io.stentor.error.StentorException;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import io.stentor.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The life of a space: create (now or scheduled), edit, reschedule, start, end, cancel; follow to
 * be reminded; lists and details. Only the host or an admin changes a space's life. Blocking:
 * call from virtual threads. Thread-safe (changes to one space are serialised by {@link SpaceLocks}).
 */
public final class SpaceService {

    public static final int MAX_TITLE = 120;
    public static final int MAX_DESCRIPTION = 2000;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");
    private static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

    /** What a host gives to create a space; absent {@code scheduledStart} means "start now". */
    public record NewSpace(String title, String description, String language, Instant scheduledStart,
            RecordingPolicy recordingPolicy) {
    }

    /** Fields a host may edit; null leaves a field as it is. */
    public record SpaceEdit(String title, String description, String language, RecordingPolicy recordingPolicy) {
    }

    final SpaceRepository repo;
    final UserRepository users;
    final SpaceViews views;
    final SpaceEventHub hub;
    final Audience audience;
    final SpaceLocks locks = new SpaceLocks();
    private final Notifier notifier;
    private final Clock clock;

    public SpaceService(org.jdbi.v3.core.Jdbi jdbi, UserRepository users, Audience audience, SpaceEventHub hub,
            Notifier notifier, Clock clock) {
        this.repo = new SpaceRepository(jdbi);
        this.users = users;
        this.audience = audience;
        this.views = new SpaceViews(users, audience);
        this.hub = hub;
        this.notifier = notifier;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    // ---- queries

    public Optional<Space> find(String id) {
        return repo.find(id);
    }

    /**
     * The space as read at most a second ago: for the paths a crowd hits (joins, ticketless players,
     * HLS playlists), so they cost one database read per space per second, not one per request (at
     * 1,000 joins/s a pool of 10 connections ran dry: see docs/SCALING.md). An end or a moderation
     * mark made on this node reaches them at once; one made on another node within the second.
     * 404 like {@link #get}.
     */
    public Space recent(String id) {
        return recent.get(id, this::get);
    }

    private final com.github.benmanes.caffeine.cache.Cache<String, Space> recent = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().expireAfterWrite(java.time.Duration.ofSeconds(1)).maximumSize(10_000).build();

    /** This node changed the space: its crowd paths see the change at once, not within the second. */
    void changed(String id) {
        recent.invalidate(id);
    }

    public Space get(String id) {
        return repo.find(id).orElseThrow(() -> StentorException.notFound("space_not_found", "No space with id " + id + "."));
    }

    /**
     * Demotes a space (a moderation decision): it leaves "live now", upcoming and replay lists but
     * stays reachable by its link. {@code false} restores it.
     */
    public void demote(String id, boolean demoted) {
        get(id);
        repo.demote(id, demoted);
    }

    /**
     * Sets how far behind live the space's listeners hear it (0-30 s; who may is the caller's
     * business, see io.stentor.safety.LiveEvents). Stored, and announced on the events channel,
     * where the media plane applies it at once if the space is live.
     */
    public Space broadcastDelay(String id, int seconds) {
        if (seconds < 0 || seconds > Space.MAX_BROADCAST_DELAY_SECONDS) {
            throw StentorException.badRequest("invalid_delay", "The broadcast delay is 0 to "
                    + Space.MAX_BROADCAST_DELAY_SECONDS + " seconds.");
        }
        Space next = locks.with(id, () -> {
            Space s = get(id);
            requireActive(s);
            repo.broadcastDelay(id, seconds);
            return get(id);
        });
        hub.publish(id, new SpaceEvent.BroadcastDelay(seconds));
        return next;
    }

    public List<SpaceViews.SpaceView> list(Optional<SpaceState> state, Optional<String> hostHandle, int limit) {
        String hostId = null;
        if (hostHandle.isPresent()) {
            Optional<User> host = users.findByHandle(hostHandle.get());
            if (host.isEmpty()) {
                return List.of();
            }
            hostId = host.get().id();
        }
        return views.spaces(repo.list(state.orElse(null), hostId, limit));
    }

    public SpaceViews.SpaceDetail detail(String id, Optional<Caller> caller) {
        Space s = get(id);
        List<StageMember> stage = repo.stage(id);
        List<SpaceRepository.SpeakRequest> queue = repo.requests(id);
        List<SpaceRepository.Invite> invites = repo.invites(id);
        SpaceViews.You you = caller.map(c -> {
            String uid = c.userId();
            StageRole role = stage.stream().filter(m -> m.userId().equals(uid)).map(StageMember::role).findFirst()
                    .orElse(null);
            StageRole invitedAs = invites.stream().filter(i -> i.userId().equals(uid)).map(SpaceRepository.Invite::role)
                    .findFirst().orElse(null);
            return new SpaceViews.You(role, audience.contains(id, uid),
                    queue.stream().anyMatch(r -> r.userId().equals(uid)), invitedAs, repo.isFollowing(id, uid),
                    repo.isBlocked(id, uid));
        }).orElse(null);
        return new SpaceViews.SpaceDetail(views.space(s), views.stage(stage), views.requests(queue),
                views.invites(invites), repo.followerCount(id), you);
    }

    /** The first message of the events stream. */
    SpaceEvent.Snapshot snapshot(String id) {
        Space s = get(id);
        return new SpaceEvent.Snapshot(views.space(s), views.stage(repo.stage(id)), views.requests(repo.requests(id)),
                audience.count(id));
    }

    /** Every live space, demoted ones included (this is not discovery: the media plane and moderation use it). */
    public List<Space> live() {
        return repo.allLive();
    }

    /** The stage as stored: who is on it, with roles and mutes. */
    public List<StageMember> stage(String spaceId) {
        return repo.stage(spaceId);
    }

    /** Handles of the given stage members, by user id. */
    public java.util.Map<String, String> stageHandles(List<StageMember> stage) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        views.stage(stage).forEach(v -> out.put(v.user().id(), v.user().handle()));
        return out;
    }

    public boolean isBlocked(String spaceId, String userId) {
        return repo.isBlocked(spaceId, userId);
    }

    /** Lets lists and details show replays (wired at start-up by the server). */
    public void replays(ReplayCatalog catalog) {
        views.replays(catalog);
    }

    public SpaceEventHub events() {
        return hub;
    }

    public Audience audience() {
        return audience;
    }

    public int liveCount() {
        return repo.count(SpaceState.LIVE);
    }

    // ---- lifecycle

    public Space create(Caller caller, NewSpace n) {
        Instant now = now();
        String title = title(n.title());
        String description = description(n.description());
        String language = language(n.language() == null ? "en" : n.language());
        RecordingPolicy policy = n.recordingPolicy() == null ? RecordingPolicy.PUBLISH_IMMEDIATELY : n.recordingPolicy();
        boolean scheduled = n.scheduledStart() != null;
        if (scheduled) {
            checkFuture(n.scheduledStart(), now);
        }
        Space s = new Space(Ids.next(), caller.userId(), title, description, language,
                scheduled ? SpaceState.SCHEDULED : SpaceState.LIVE, policy, n.scheduledStart(), scheduled ? null : now,
                null, now, now, null, false, 0);
        repo.insert(s, new StageMember(caller.userId(), StageRole.HOST, false, false, now));
        if (!scheduled) {
            hub.publish(s.id(), new SpaceEvent.StateChanged("started", views.space(s)));
        }
        return s;
    }

    public Space edit(Caller caller, String id, SpaceEdit e) {
        return locks.with(id, () -> {
            Space s = requireHost(caller, get(id));
            requireActive(s);
            Space next = new Space(s.id(), s.hostId(), e.title() == null ? s.title() : title(e.title()),
                    e.description() == null ? s.description() : description(e.description()),
                    e.language() == null ? s.language() : language(e.language()), s.state(),
                    e.recordingPolicy() == null ? s.recordingPolicy() : e.recordingPolicy(), s.scheduledStart(),
                    s.startedAt(), s.endedAt(), s.createdAt(), now(), s.label(), s.ageRestricted(), s.broadcastDelaySeconds());
            repo.update(next);
            hub.publish(id, new SpaceEvent.StateChanged("edited", views.space(next)));
            return next;
        });
    }

    public Space reschedule(Caller caller, String id, Instant when) {
        if (when == null) {
            throw StentorException.badRequest("invalid_field", "Field 'scheduledStart' is required.");
        }
        Space next = locks.with(id, () -> {
            Space s = requireHost(caller, get(id));
            if (s.state() != SpaceState.SCHEDULED) {
                throw StentorException.conflict("not_scheduled", "Only a scheduled space can be rescheduled; this one is "
                        + s.state().name().toLowerCase() + ".");
            }
            checkFuture(when, now());
            Space r = new Space(s.id(), s.hostId(), s.title(), s.description(), s.language(), s.state(),
                    s.recordingPolicy(), when, null, null, s.createdAt(), now(), s.label(), s.ageRestricted(),
                    s.broadcastDelaySeconds());
            repo.update(r);
            return r;
        });
        hub.publish(id, new SpaceEvent.StateChanged("rescheduled", views.space(next)));
        notifier.notify(repo.followers(id), Notification.Kind.SPACE_RESCHEDULED, id,
                "\"" + next.title() + "\" now starts at " + next.scheduledStart() + ".");
        return next;
    }

    public Space start(Caller caller, String id) {
        Space next = transition(caller, id, SpaceState.LIVE);
        hub.publish(id, new SpaceEvent.StateChanged("started", views.space(next)));
        if (!repo.isDemoted(id)) { // a demoted space is not amplified: no reminders
            notifier.notify(repo.followers(id), Notification.Kind.SPACE_STARTED, id, "\"" + next.title() + "\" is live now.");
        }
        return next;
    }

    public Space end(Caller caller, String id) {
        return ended(transition(caller, id, SpaceState.ENDED));
    }

    /**
     * Ends a live space on a moderation decision (trust &amp; safety acts for the platform, not as
     * the host); everything else is as when its host ends it: the recording closes, clients are told.
     */
    public Space endByModeration(String id) {
        return ended(transition(s -> s, id, SpaceState.ENDED));
    }

    private Space ended(Space next) {
        String id = next.id();
        changed(id);
        // Observers first (the media plane closes the recording), then clients, with the replay in the view.
        hub.tellObservers(id, new SpaceEvent.StateChanged("ended", views.space(next)));
        hub.broadcast(id, new SpaceEvent.StateChanged("ended", views.space(next)));
        audience.clear(id);
        hub.forget(id);
        return next;
    }

    public Space cancel(Caller caller, String id) {
        Space next = transition(caller, id, SpaceState.CANCELLED);
        hub.publish(id, new SpaceEvent.StateChanged("cancelled", views.space(next)));
        notifier.notify(repo.followers(id), Notification.Kind.SPACE_CANCELLED, id,
                "\"" + next.title() + "\" was cancelled.");
        return next;
    }

    private Space transition(Caller caller, String id, SpaceState target) {
        return transition(s -> requireHost(caller, s), id, target);
    }

    private Space transition(java.util.function.UnaryOperator<Space> authorize, String id, SpaceState target) {
        return locks.with(id, () -> {
            Space s = authorize.apply(get(id));
            if (!s.state().canMoveTo(target)) {
                throw StentorException.conflict("invalid_transition", "A " + s.state().name().toLowerCase()
                        + " space cannot become " + target.name().toLowerCase() + ".");
            }
            Space next = s.withState(target, now());
            repo.update(next);
            return next;
        });
    }

    // ---- follows

    public void follow(Caller caller, String id) {
        Space s = get(id);
        if (s.state() != SpaceState.SCHEDULED && s.state() != SpaceState.LIVE) {
            throw StentorException.conflict("space_not_active", "Only a scheduled or live space can be followed.");
        }
        if (repo.isBlocked(id, caller.userId())) {
            throw StentorException.forbidden("blocked", "You were removed from this space.");
        }
        repo.follow(id, caller.userId(), now());
    }

    public void unfollow(Caller caller, String id) {
        get(id);
        repo.unfollow(id, caller.userId());
    }

    /**
     * Whether this person gets in when the space is live for a small audience only: they follow
     * the space, were invited to its stage, or hold a role beyond plain user.
     */
    public boolean inSmallAudience(String spaceId, Caller caller) {
        return caller.user().role() != io.stentor.account.Role.USER || repo.isFollowing(spaceId, caller.userId())
                || repo.invite(spaceId, caller.userId()).isPresent();
    }

    /** The space, if the caller hosts it or is an admin; else 403. */
    public Space hostedBy(Caller caller, String id) {
        return requireHost(caller, get(id));
    }

    // ---- rules shared with the stage

    Space requireHost(Caller caller, Space s) {
        if (!caller.userId().equals(s.hostId()) && !caller.isAdmin()) {
            throw StentorException.forbidden("not_host", "Only the host of this space (or an admin) may do that.");
        }
        return s;
    }

    static void requireActive(Space s) {
        if (!s.state().isActive()) {
            throw StentorException.conflict("space_not_active", "This space has " + s.state().name().toLowerCase() + ".");
        }
    }

    public static void requireLive(Space s) {
        if (s.state() != SpaceState.LIVE) {
            throw StentorException.conflict("space_not_live", "This space is " + s.state().name().toLowerCase()
                    + ", not live.");
        }
    }

    private static void checkFuture(Instant when, Instant now) {
        if (!when.isAfter(now)) {
            throw StentorException.badRequest("invalid_schedule", "The scheduled start must be in the future.");
        }
        if (when.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
            throw StentorException.badRequest("invalid_schedule", "A space can be scheduled at most a year ahead.");
        }
    }

    private static String title(String raw) {
        String t = raw == null ? "" : raw.strip();
        int n = t.codePointCount(0, t.length());
        if (n < 1 || n > MAX_TITLE || t.codePoints().anyMatch(Character::isISOControl)) {
            throw StentorException.badRequest("invalid_title", "A title has 1 to " + MAX_TITLE
                    + " characters and no control characters.");
        }
        return t;
    }

    private static String description(String raw) {
        if (raw == null) {
            return null;
        }
        String d = raw.strip();
        if (d.codePointCount(0, d.length()) > MAX_DESCRIPTION) {
            throw StentorException.badRequest("invalid_description", "A description has at most " + MAX_DESCRIPTION
                    + " characters.");
        }
        return d.isEmpty() ? null : d;
    }

    private static String language(String raw) {
        if (!LANGUAGE.matcher(raw).matches()) { // at most 30 characters: fits the column
            throw StentorException.badRequest("invalid_language", "A language is a code like 'en', 'de' or 'pt-BR'.");
        }
        return raw;
    }
}
