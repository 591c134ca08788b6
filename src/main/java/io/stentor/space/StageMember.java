package io.stentor.space;

import java.time.Instant;

/**
 * Someone on stage. {@code mutedByHost} means a host or co-host muted them: they cannot unmute
 * themselves until a host lifts it (hosts can lift the block but never open anyone's microphone).
 */
public record StageMember(String userId, StageRole role, boolean muted, boolean mutedByHost, Instant since) {
}
