package io.stentor.media;

import java.nio.file.Path;
import java.time.Instant;

/** A space's recording as stored: the file, its state and whether its replay is public. */
record Recording(String spaceId, Path file, State state, boolean published, long durationMillis, long bytes,
        Instant startedAt, Instant endedAt, boolean removed) {

    /**
     * RECORDING while live; READY once finished; REMOVED when deleted (the row stays as a record of it).
     * Apart from the state, {@code removed} marks a replay taken down by moderation (reversible on appeal).
     */
    enum State { RECORDING, READY, REMOVED }
}
