package io.stentor.media;

/**
 * Audio a moderator cut from a space's broadcast delay before it aired: the range on the space's
 * timeline (ms from the start of its recording, which is also the replay position; {@code toMs}
 * exclusive) and how many 20 ms frames were dropped.
 */
public record BroadcastCut(long fromMs, long toMs, int frames) {
}
