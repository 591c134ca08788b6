package io.stentor.space;

import java.time.Instant;

/**
 * A live conversation's control-plane record, as stored. {@code label} and {@code ageRestricted}
 * are set by moderation decisions (see {@link SpaceModeration}); {@code broadcastDelaySeconds} (0-30)
 * is how far the listeners' outputs run behind the live mix (see io.stentor.media.BroadcastDelay).
 */
public record Space(String id, String hostId, String title, String description, String language, SpaceState state,
        RecordingPolicy recordingPolicy, Instant scheduledStart, Instant startedAt, Instant endedAt,
        Instant createdAt, Instant updatedAt, String label, boolean ageRestricted, int broadcastDelaySeconds) {

    /** The longest broadcast delay a space may have (DSA Art 35 live-event measure). */
    public static final int MAX_BROADCAST_DELAY_SECONDS = 30;

    Space withState(SpaceState next, Instant now) {
        return new Space(id, hostId, title, description, language, next, recordingPolicy, scheduledStart,
                next == SpaceState.LIVE ? now : startedAt,
                next == SpaceState.ENDED || next == SpaceState.CANCELLED ? now : endedAt, createdAt, now, label, ageRestricted,
                broadcastDelaySeconds);
    }
}
