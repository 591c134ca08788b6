package io.stentor.media;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A space's recording as stored: the file, its state and whether its replay is public. The file is
 * what was said; {@code airedFile}, when set, is the replay as it aired (moderator cuts silenced),
 * and is what the public hears. A {@code withheld} recording (the space was taken off air) is never
 * published.
 */
record Recording(String spaceId, Path file, State state, boolean published, long durationMillis, long bytes,
        Instant startedAt, Instant endedAt, boolean removed, boolean withheld, Path airedFile) {

    /** The file a replay listener gets. */
    Path replayFile() {
        return airedFile != null ? airedFile : file;
    }

    /**
     * RECORDING while live; READY once finished; REMOVED when deleted (the row stays as a record of it).
     * Apart from the state, {@code removed} marks a replay taken down by moderation (reversible on appeal).
     */
    enum State { RECORDING, READY, REMOVED }
}
