package io.stentor.space;

import java.time.Instant;

/**
 * A live conversation's control-plane record, as stored. {@code label} and {@code ageRestricted}
 * are set by moderation decisions (see {@link SpaceModeration}).
 */
public record Space(String id, String hostId, String title, String description, String language, SpaceState state,
        RecordingPolicy recordingPolicy, Instant scheduledStart, Instant startedAt, Instant endedAt,
        Instant createdAt, Instant updatedAt, String label, boolean ageRestricted) {

    Space withState(SpaceState next, Instant now) {
        return new Space(id, hostId, title, description, language, next, recordingPolicy, scheduledStart,
                next == SpaceState.LIVE ? now : startedAt,
                next == SpaceState.ENDED || next == SpaceState.CANCELLED ? now : endedAt, createdAt, now, label, ageRestricted);
    }
}
