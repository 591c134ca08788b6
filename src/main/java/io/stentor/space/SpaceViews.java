package io.stentor.space;

import io.stentor.account.User;
import io.stentor.account.UserRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The JSON shapes of spaces as clients see them, and how to build them (resolving user ids to handles). */
public final class SpaceViews {

    /** A user as shown inside a space. */
    public record UserRef(String id, String handle, String displayName) {
        static UserRef of(User u) {
            return new UserRef(u.id(), u.handle(), u.displayName());
        }
    }

    public record SpaceView(String id, String title, String description, String language, SpaceState state,
            RecordingPolicy recordingPolicy, UserRef host, Instant scheduledStart, Instant startedAt,
            Instant endedAt, Instant createdAt, int listeners, Replay replay, String label, boolean ageRestricted,
            int broadcastDelaySeconds) {
    }

    public record StageMemberView(UserRef user, StageRole role, boolean muted, boolean mutedByHost) {
    }

    public record RequestView(UserRef user, Instant requestedAt) {
    }

    public record InviteView(UserRef user, StageRole role, Instant invitedAt) {
    }

    /** The caller's own relation to a space. */
    public record You(StageRole stageRole, boolean listening, boolean requested, StageRole invitedAs,
            boolean following, boolean blocked) {
    }

    public record SpaceDetail(SpaceView space, List<StageMemberView> stage, List<RequestView> requests,
            List<InviteView> invites, int followers, You you) {
    }

    private final UserRepository users;
    private final Audience audience;
    private volatile ReplayCatalog replays = ReplayCatalog.NONE;

    SpaceViews(UserRepository users, Audience audience) {
        this.users = users;
        this.audience = audience;
    }

    void replays(ReplayCatalog catalog) {
        this.replays = catalog;
    }

    SpaceView space(Space s) {
        return spaces(List.of(s)).get(0);
    }

    List<SpaceView> spaces(List<Space> spaces) {
        Map<String, UserRef> refs = refs(spaces.stream().map(Space::hostId).toList());
        List<String> ended = spaces.stream().filter(s -> s.state() == SpaceState.ENDED).map(Space::id).toList();
        Map<String, Replay> replayById = ended.isEmpty() ? Map.of() : replays.replays(ended);
        return spaces.stream().map(s -> view(s, refs.get(s.hostId()), replayById.get(s.id()))).toList();
    }

    private SpaceView view(Space s, UserRef host, Replay replay) {
        return new SpaceView(s.id(), s.title(), s.description(), s.language(), s.state(), s.recordingPolicy(), host,
                s.scheduledStart(), s.startedAt(), s.endedAt(), s.createdAt(),
                s.state() == SpaceState.LIVE ? audience.count(s.id()) : 0, replay, s.label(), s.ageRestricted(),
                s.broadcastDelaySeconds());
    }

    List<StageMemberView> stage(List<StageMember> members) {
        Map<String, UserRef> refs = refs(members.stream().map(StageMember::userId).toList());
        return members.stream().map(m -> new StageMemberView(refs.get(m.userId()), m.role(), m.muted(), m.mutedByHost()))
                .toList();
    }

    List<RequestView> requests(List<SpaceRepository.SpeakRequest> queue) {
        Map<String, UserRef> refs = refs(queue.stream().map(SpaceRepository.SpeakRequest::userId).toList());
        return queue.stream().map(r -> new RequestView(refs.get(r.userId()), r.requestedAt())).toList();
    }

    List<InviteView> invites(List<SpaceRepository.Invite> invites) {
        Map<String, UserRef> refs = refs(invites.stream().map(SpaceRepository.Invite::userId).toList());
        return invites.stream().map(i -> new InviteView(refs.get(i.userId()), i.role(), i.invitedAt())).toList();
    }

    UserRef user(String userId) {
        return refs(List.of(userId)).get(userId);
    }

    private Map<String, UserRef> refs(Collection<String> ids) {
        Set<String> unique = new HashSet<>(ids);
        return users.findByIds(unique).stream().map(UserRef::of).collect(Collectors.toMap(UserRef::id, Function.identity()));
    }
}
