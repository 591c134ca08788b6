package io.stentor.media;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A finished recording the caller may hear (the checks of {@code /spaces/{id}/replay.opus} passed),
 * for routes that serve the replay in another form, such as HLS.
 *
 * @param published false when only its host or an admin may hear it (shared caches must not keep it)
 */
public record ReplayFile(String spaceId, Path file, boolean published, Instant endedAt) {
}
