package io.stentor.space;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.stentor.space.SpaceViews.RequestView;
import io.stentor.space.SpaceViews.SpaceView;
import io.stentor.space.SpaceViews.StageMemberView;
import io.stentor.space.SpaceViews.UserRef;
import java.util.List;
import java.util.Map;

/**
 * Messages on a space's events WebSocket, as JSON objects with a {@code type} field. Stage and
 * request messages carry the whole (small) current list, so a client never has to patch state.
 * Documented in docs/PROTOCOL.md.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(SpaceEvent.Snapshot.class), @JsonSubTypes.Type(SpaceEvent.StateChanged.class),
        @JsonSubTypes.Type(SpaceEvent.StageChanged.class), @JsonSubTypes.Type(SpaceEvent.RequestsChanged.class),
        @JsonSubTypes.Type(SpaceEvent.InviteChanged.class), @JsonSubTypes.Type(SpaceEvent.Removed.class),
        @JsonSubTypes.Type(SpaceEvent.AudienceCount.class), @JsonSubTypes.Type(SpaceEvent.Reactions.class),
        @JsonSubTypes.Type(SpaceEvent.Levels.class), @JsonSubTypes.Type(SpaceEvent.BroadcastDelay.class)})
public sealed interface SpaceEvent {

    /** First message on every connection: the whole current state. */
    @JsonTypeName("snapshot")
    record Snapshot(SpaceView space, List<StageMemberView> stage, List<RequestView> requests, int listeners)
            implements SpaceEvent {
    }

    /** Started, ended, cancelled, rescheduled or edited. */
    @JsonTypeName("state")
    record StateChanged(String change, SpaceView space) implements SpaceEvent {
    }

    /** Someone joined or left the stage, changed role, or was (un)muted; {@code stage} is the new stage. */
    @JsonTypeName("stage")
    record StageChanged(String change, UserRef user, List<StageMemberView> stage) implements SpaceEvent {
    }

    /** The request-to-speak queue changed; {@code queue} is the new queue in order. */
    @JsonTypeName("requests")
    record RequestsChanged(String change, UserRef user, List<RequestView> queue) implements SpaceEvent {
    }

    /** An invitation to the stage was sent, accepted or declined. */
    @JsonTypeName("invite")
    record InviteChanged(String change, UserRef user, StageRole role) implements SpaceEvent {
    }

    /** A user was removed from the space and blocked from it. */
    @JsonTypeName("removed")
    record Removed(UserRef user) implements SpaceEvent {
    }

    /** Listener count, sent at most once per flush interval, only when it changed. */
    @JsonTypeName("audience")
    record AudienceCount(int listeners) implements SpaceEvent {
    }

    /** Speaking indicators: each connected speaker's peak level (0..1) over the last ~250 ms. */
    @JsonTypeName("levels")
    record Levels(Map<String, Double> levels) implements SpaceEvent {
    }

    /**
     * The broadcast delay changed: listeners now hear the space {@code seconds} behind live (a
     * longer delay holds the audio for the difference; a shorter one skips ahead).
     */
    @JsonTypeName("broadcast_delay")
    record BroadcastDelay(int seconds) implements SpaceEvent {
    }

    /** Reactions since the last flush, counted by emoji. */
    @JsonTypeName("reactions")
    record Reactions(Map<String, Long> counts) implements SpaceEvent {
    }
}
