package io.stentor.space;

import io.stentor.account.Caller;
import io.stentor.account.User;
import io.stentor.error.StentorException;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on stage and who listens: joining and leaving, requests to speak (an ordered queue),
 * invitations, co-hosts, mutes, moving back to the audience, removal with a block, and reactions.
 * Every rule is checked here, server-side, whatever a client shows. Blocking; thread-safe.
 *
 * <p>Stage limits: one host, at most {@value #MAX_COHOSTS} co-hosts and {@value #MAX_SPEAKERS}
 * more speakers, so 13 people on stage at most.
 */
public final class StageService {

    public static final int MAX_COHOSTS = 2;
    public static final int MAX_SPEAKERS = 10;
    /** The reactions clients may send; anything else is a 400. */
    public static final Set<String> REACTIONS = Set.of("👏", "❤️", "😂", "🔥", "💯", "👍", "🙌", "😮", "😢", "🎉");

    private final SpaceService spaces;
    private final SpaceRepository repo;
    private final SpaceViews views;
    private final SpaceEventHub hub;
    private final Audience audience;
    private final Notifier notifier;
    private final ReactionLimiter reactionLimiter;

    public StageService(SpaceService spaces, Notifier notifier, int reactionsPerSecond) {
        this.spaces = spaces;
        this.repo = spaces.repo;
        this.views = spaces.views;
        this.hub = spaces.hub;
        this.audience = spaces.audience;
        this.notifier = notifier;
        this.reactionLimiter = new ReactionLimiter(reactionsPerSecond);
    }

    // ---- audience

    public void join(Caller caller, String spaceId) {
        Space s = spaces.get(spaceId);
        SpaceService.requireLive(s);
        requireNotBlocked(spaceId, caller.userId());
        if (member(spaceId, caller.userId()).isEmpty() && audience.hold(spaceId, caller.userId(), Audience.JOINED)) {
            hub.audienceChanged(spaceId);
        }
    }

    public void leave(Caller caller, String spaceId) {
        spaces.get(spaceId);
        if (audience.release(spaceId, caller.userId(), Audience.JOINED)) {
            hub.audienceChanged(spaceId);
        }
    }

    /**
     * A connection (events or media) holds a listener in the audience: {@code listener} is a user
     * id, or for anonymous connections the connection's own id. Undo with {@link #removeListener}.
     */
    public void addListener(String spaceId, String listener, String connectionId) {
        if (audience.hold(spaceId, listener, connectionId)) {
            hub.audienceChanged(spaceId);
        }
    }

    /**
     * The audience key of an anonymous connection: the client's own {@code ?listener=} id when it
     * sent a well-formed one (so one browser tab with several sockets counts once), else the
     * connection's own id.
     */
    public static String anonymousListener(java.util.Optional<String> clientId, String connectionId) {
        return clientId.filter(id -> id.matches("[A-Za-z0-9_-]{8,64}")).map(id -> "anon:" + id).orElse(connectionId);
    }

    public void removeListener(String spaceId, String listener, String connectionId) {
        if (audience.release(spaceId, listener, connectionId)) {
            hub.audienceChanged(spaceId);
        }
    }

    public void react(Caller caller, String spaceId, String emoji) {
        if (emoji == null || !REACTIONS.contains(emoji)) {
            throw StentorException.badRequest("invalid_reaction", "Reactions are one of: " + String.join(" ", REACTIONS));
        }
        Space s = spaces.get(spaceId);
        SpaceService.requireLive(s);
        requireNotBlocked(spaceId, caller.userId());
        if (!reactionLimiter.tryAcquire(caller.userId())) {
            throw StentorException.tooManyRequests("rate_limited", "Too many reactions; slow down.");
        }
        hub.react(spaceId, emoji);
    }

    // ---- requests to speak

    public void requestToSpeak(Caller caller, String spaceId) {
        String uid = caller.userId();
        spaces.locks.with(spaceId, () -> {
            SpaceService.requireLive(spaces.get(spaceId));
            requireNotBlocked(spaceId, uid);
            if (member(spaceId, uid).isPresent()) {
                throw StentorException.conflict("already_on_stage", "You are already on stage.");
            }
            if (!repo.addRequest(spaceId, uid, spaces.now())) {
                throw StentorException.conflict("already_requested", "You have already asked to speak.");
            }
            return null;
        });
        publishRequests(spaceId, "created", uid);
    }

    public void withdrawRequest(Caller caller, String spaceId) {
        spaces.get(spaceId);
        if (!repo.removeRequest(spaceId, caller.userId())) {
            throw StentorException.notFound("no_request", "You have no pending request to speak.");
        }
        publishRequests(spaceId, "withdrawn", caller.userId());
    }

    public void acceptRequest(Caller caller, String spaceId, String handle) {
        User target = user(handle);
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireLive(s);
            requireRunner(caller, s);
            if (repo.requests(spaceId).stream().noneMatch(r -> r.userId().equals(target.id()))) {
                throw StentorException.notFound("no_request", target.handle() + " has no pending request to speak.");
            }
            seat(spaceId, target.id(), StageRole.SPEAKER);
            return null;
        });
        publishRequests(spaceId, "accepted", target.id());
        publishStage(spaceId, "joined", target.id());
    }

    public void denyRequest(Caller caller, String spaceId, String handle) {
        User target = user(handle);
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireActive(s);
            requireRunner(caller, s);
            if (!repo.removeRequest(spaceId, target.id())) {
                throw StentorException.notFound("no_request", target.handle() + " has no pending request to speak.");
            }
            return null;
        });
        publishRequests(spaceId, "denied", target.id());
    }

    // ---- invitations

    public void invite(Caller caller, String spaceId, String handle, StageRole role) {
        StageRole r = role == null ? StageRole.SPEAKER : role;
        if (r == StageRole.HOST) {
            throw StentorException.badRequest("invalid_role", "Invite as 'speaker' or 'cohost'.");
        }
        User target = user(handle);
        Space s = spaces.locks.with(spaceId, () -> {
            Space sp = spaces.get(spaceId);
            SpaceService.requireActive(sp);
            StageMember me = requireRunner(caller, sp);
            if (r == StageRole.COHOST && me.role() != StageRole.HOST) {
                throw StentorException.forbidden("not_host", "Only the host may invite co-hosts.");
            }
            if (repo.isBlocked(spaceId, target.id())) {
                throw StentorException.conflict("user_blocked", target.handle()
                        + " is blocked in this space; unblock them first.");
            }
            if (member(spaceId, target.id()).isPresent()) {
                throw StentorException.conflict("already_on_stage", target.handle() + " is already on stage.");
            }
            repo.putInvite(spaceId, new SpaceRepository.Invite(target.id(), r, caller.userId(), spaces.now()));
            return sp;
        });
        hub.publish(spaceId, new SpaceEvent.InviteChanged("created", views.user(target.id()), r));
        notifier.notify(List.of(target.id()), Notification.Kind.STAGE_INVITE, spaceId,
                caller.user().displayName() + " invited you " + (r == StageRole.COHOST ? "to co-host" : "to speak")
                        + " in \"" + s.title() + "\".");
    }

    public void acceptInvite(Caller caller, String spaceId) {
        String uid = caller.userId();
        StageRole role = spaces.locks.with(spaceId, () -> {
            SpaceService.requireActive(spaces.get(spaceId));
            SpaceRepository.Invite inv = repo.invite(spaceId, uid)
                    .orElseThrow(() -> StentorException.notFound("no_invite", "You have no invitation to this stage."));
            seat(spaceId, uid, inv.role());
            return inv.role();
        });
        hub.publish(spaceId, new SpaceEvent.InviteChanged("accepted", views.user(uid), role));
        publishStage(spaceId, "joined", uid);
    }

    public void declineInvite(Caller caller, String spaceId) {
        spaces.get(spaceId);
        SpaceRepository.Invite inv = repo.invite(spaceId, caller.userId())
                .orElseThrow(() -> StentorException.notFound("no_invite", "You have no invitation to this stage."));
        repo.removeInvite(spaceId, caller.userId());
        hub.publish(spaceId, new SpaceEvent.InviteChanged("declined", views.user(caller.userId()), inv.role()));
    }

    // ---- stage members

    /** Host only: make someone on stage a co-host, or a co-host a speaker. */
    public void setRole(Caller caller, String spaceId, String handle, StageRole role) {
        if (role == null || role == StageRole.HOST) {
            throw StentorException.badRequest("invalid_role", "A stage role is 'speaker' or 'cohost'.");
        }
        User target = user(handle);
        boolean changed = spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireActive(s);
            if (requireRunner(caller, s).role() != StageRole.HOST) {
                throw StentorException.forbidden("not_host", "Only the host may change stage roles.");
            }
            StageMember m = onStage(spaceId, target);
            if (m.role() == StageRole.HOST) {
                throw StentorException.forbidden("is_host", "The host's role cannot be changed.");
            }
            if (m.role() == role) {
                return false;
            }
            checkCapacity(spaceId, role);
            repo.updateMember(spaceId, new StageMember(m.userId(), role, m.muted(), m.mutedByHost(), m.since()));
            return true;
        });
        if (changed) {
            publishStage(spaceId, "role", target.id());
        }
    }

    public void mute(Caller caller, String spaceId, String handle) {
        changeMute(caller, spaceId, handle, true);
    }

    /**
     * Unmuting oneself opens one's own microphone (refused while a host's mute stands); a host or
     * co-host "unmuting" someone else only lifts their mute, leaving the microphone to its owner.
     */
    public void unmute(Caller caller, String spaceId, String handle) {
        changeMute(caller, spaceId, handle, false);
    }

    private void changeMute(Caller caller, String spaceId, String handle, boolean mute) {
        User target = user(handle);
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireActive(s);
            StageMember m = onStage(spaceId, target);
            boolean self = target.id().equals(caller.userId());
            if (!mute && m.mutedByHost() && repo.isModerationMuted(spaceId, target.id())) {
                throw StentorException.forbidden("muted_by_moderation",
                        "The moderators muted " + (self ? "you" : target.handle()) + " in this space; only an appeal can lift it.");
            }
            if (self && !mute && m.mutedByHost()) {
                throw StentorException.forbidden("muted_by_host", "A host muted you; ask them to lift it.");
            }
            if (!self && !outranks(requireRunner(caller, s), m)) {
                throw StentorException.forbidden(mute ? "cannot_mute" : "cannot_unmute",
                        "You cannot " + (mute ? "mute " : "lift the mute of ") + target.handle() + ".");
            }
            // Self: the microphone follows the request. Others: a host mute sets both flags; lifting clears only the lock.
            boolean muted = self ? mute : (mute || m.muted());
            boolean byHost = self ? (mute && m.mutedByHost()) : mute;
            repo.updateMember(spaceId, new StageMember(m.userId(), m.role(), muted, byHost, m.since()));
            return null;
        });
        publishStage(spaceId, mute ? "muted" : "unmuted", target.id());
    }

    /** Moves someone from the stage back to the audience (or oneself: leaving the stage). */
    public void moveToAudience(Caller caller, String spaceId, String handle) {
        User target = user(handle);
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireActive(s);
            StageMember m = onStage(spaceId, target);
            if (m.role() == StageRole.HOST) {
                throw StentorException.forbidden("is_host", "The host stays on stage; end the space instead.");
            }
            if (!target.id().equals(caller.userId()) && !outranks(requireRunner(caller, s), m)) {
                throw StentorException.forbidden("not_host", "Only the host may move a co-host to the audience.");
            }
            repo.removeMember(spaceId, target.id());
            if (s.state() == SpaceState.LIVE) {
                audience.hold(spaceId, target.id(), Audience.JOINED);
                hub.audienceChanged(spaceId);
            }
            return null;
        });
        publishStage(spaceId, "left", target.id());
    }

    /** Removes a user from the space (stage, queue, audience) and blocks them from coming back. */
    public void block(Caller caller, String spaceId, String handle) {
        User target = user(handle);
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            SpaceService.requireActive(s);
            StageMember me = requireRunner(caller, s);
            if (target.id().equals(s.hostId()) || target.id().equals(caller.userId())) {
                throw StentorException.forbidden("cannot_block", "You cannot remove " + target.handle() + ".");
            }
            Optional<StageMember> m = member(spaceId, target.id());
            if (m.isPresent() && m.get().role() == StageRole.COHOST && me.role() != StageRole.HOST) {
                throw StentorException.forbidden("not_host", "Only the host may remove a co-host.");
            }
            repo.block(spaceId, target.id(), caller.userId(), spaces.now());
            if (audience.remove(spaceId, target.id())) {
                hub.audienceChanged(spaceId);
            }
            return null;
        });
        hub.publish(spaceId, new SpaceEvent.Removed(views.user(target.id())));
        publishStage(spaceId, "removed", target.id());
        notifier.push(target.id(), java.util.Map.of("type", "removed", "spaceId", spaceId));
    }

    /**
     * A moderation decision mutes a speaker in a space (server-side, at once), or — reversed on
     * appeal — lifts that mute, leaving the microphone to its owner. The mute holds whatever the
     * host does, and if the speaker leaves and comes back on stage.
     */
    public void muteByModeration(String spaceId, String userId, String decisionId, boolean mute) {
        boolean seated = spaces.locks.with(spaceId, () -> {
            if (mute) {
                repo.moderationMute(spaceId, userId, decisionId);
            } else {
                repo.liftModerationMute(spaceId, userId);
            }
            Optional<StageMember> m = member(spaceId, userId);
            m.ifPresent(x -> repo.updateMember(spaceId, new StageMember(x.userId(), x.role(), mute || x.muted(), mute, x.since())));
            return m.isPresent();
        });
        if (seated) {
            publishStage(spaceId, mute ? "muted" : "unmuted", userId);
        }
    }

    /**
     * A moderation decision removes a speaker (or anyone) from a space: off the stage and out of
     * the audience, blocked from coming back. The host cannot be removed this way: end the space.
     */
    public void removeByModeration(String spaceId, String userId, String moderatorId) {
        spaces.locks.with(spaceId, () -> {
            Space s = spaces.get(spaceId);
            if (userId.equals(s.hostId())) {
                throw StentorException.conflict("is_host", "The host cannot be removed from their own space: end the space instead.");
            }
            repo.block(spaceId, userId, moderatorId, spaces.now());
            if (audience.remove(spaceId, userId)) {
                hub.audienceChanged(spaceId);
            }
            return null;
        });
        hub.publish(spaceId, new SpaceEvent.Removed(views.user(userId)));
        publishStage(spaceId, "removed", userId);
        notifier.push(userId, java.util.Map.of("type", "removed", "spaceId", spaceId));
    }

    /** Lets a user removed by moderation back into the space (their appeal succeeded). */
    public void readmit(String spaceId, String userId) {
        repo.unblock(spaceId, userId);
    }

    public void unblock(Caller caller, String spaceId, String handle) {
        User target = user(handle);
        requireRunner(caller, spaces.get(spaceId));
        if (!repo.unblock(spaceId, target.id())) {
            throw StentorException.notFound("not_blocked", target.handle() + " is not blocked in this space.");
        }
    }

    // ---- helpers

    /** Puts a user on stage with a role, enforcing capacity; removes them from the audience count. */
    private void seat(String spaceId, String userId, StageRole role) {
        if (member(spaceId, userId).isPresent()) {
            throw StentorException.conflict("already_on_stage", "Already on stage.");
        }
        checkCapacity(spaceId, role);
        boolean mutedByModeration = repo.isModerationMuted(spaceId, userId); // a moderation mute outlives leaving the stage
        repo.addMember(spaceId, new StageMember(userId, role, mutedByModeration, mutedByModeration, spaces.now()));
        if (audience.remove(spaceId, userId)) {
            hub.audienceChanged(spaceId);
        }
    }

    private void checkCapacity(String spaceId, StageRole role) {
        long n = repo.stage(spaceId).stream().filter(m -> m.role() == role).count();
        int max = role == StageRole.COHOST ? MAX_COHOSTS : MAX_SPEAKERS;
        if (n >= max) {
            throw StentorException.conflict("stage_full", "The stage already has " + max + " "
                    + (role == StageRole.COHOST ? "co-hosts" : "speakers") + ".");
        }
    }

    /** The host outranks everyone else on stage; a co-host outranks speakers only. */
    private static boolean outranks(StageMember me, StageMember other) {
        return switch (me.role()) {
            case HOST -> other.role() != StageRole.HOST;
            case COHOST -> other.role() == StageRole.SPEAKER;
            case SPEAKER -> false;
        };
    }

    /** The caller's stage membership if they host or co-host (an admin counts as host); else 403. */
    private StageMember requireRunner(Caller caller, Space s) {
        if (caller.isAdmin()) {
            return new StageMember(caller.userId(), StageRole.HOST, false, false, spaces.now());
        }
        return member(s.id(), caller.userId()).filter(m -> m.role().runsStage())
                .orElseThrow(() -> StentorException.forbidden("not_host", "Only the host or a co-host may do that."));
    }

    /** Whether the user is on the stage of the space (host, co-host or speaker). */
    public boolean onStage(String spaceId, String userId) {
        return member(spaceId, userId).isPresent();
    }

    private Optional<StageMember> member(String spaceId, String userId) {
        return repo.stage(spaceId).stream().filter(m -> m.userId().equals(userId)).findFirst();
    }

    private StageMember onStage(String spaceId, User target) {
        return member(spaceId, target.id())
                .orElseThrow(() -> StentorException.notFound("not_on_stage", target.handle() + " is not on stage."));
    }

    private void requireNotBlocked(String spaceId, String userId) {
        if (repo.isBlocked(spaceId, userId)) {
            throw StentorException.forbidden("blocked", "You were removed from this space.");
        }
    }

    private User user(String handle) {
        return spaces.users.findByHandle(handle)
                .orElseThrow(() -> StentorException.notFound("user_not_found", "No user with handle " + handle + "."));
    }

    private void publishStage(String spaceId, String change, String userId) {
        hub.publish(spaceId, new SpaceEvent.StageChanged(change, views.user(userId), views.stage(repo.stage(spaceId))));
    }

    private void publishRequests(String spaceId, String change, String userId) {
        hub.publish(spaceId, new SpaceEvent.RequestsChanged(change, views.user(userId),
                views.requests(repo.requests(spaceId))));
    }
}
