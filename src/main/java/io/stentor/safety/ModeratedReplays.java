package io.stentor.safety;

/** The media plane's replays, as far as moderation touches them (implemented in the server's wiring). */
public interface ModeratedReplays {

    /** Takes a replay down for everyone (or puts it back); false when the space has no recording. */
    boolean remove(String spaceId, boolean removed);

    /** Whether the space has a recording to act on. */
    boolean exists(String spaceId);

    /** Silences a range of the replay (ms on the space's timeline, end exclusive); {@code cutId} names it. */
    void cut(String spaceId, String cutId, long fromMs, long toMs, String moderatorId);

    /** Takes back the cut named {@code cutId}. */
    void uncut(String spaceId, String cutId);
}
