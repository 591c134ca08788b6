package io.stentor.safety;

import java.time.Instant;

/**
 * The preserved audio of one {@code space_audio} item of a notice: the range asked for, and the
 * range of it kept in {@code file} (packet-aligned; null while nothing is). See {@link EvidenceStore}.
 */
record Evidence(String noticeId, int seq, String spaceId, long fromMs, long toMs, State state, String file,
        Long clipFromMs, Long clipToMs, long bytes, Instant capturedAt) {

    /** PENDING may still grow; KEPT and UNAVAILABLE are final until DELETED under the retention policy. */
    enum State { PENDING, KEPT, UNAVAILABLE, DELETED }

    /** Whether the kept clip holds all of {@code [from, to)} of the space's timeline. */
    boolean covers(long from, long to) {
        return file != null && clipFromMs != null && clipFromMs <= from && clipToMs >= to;
    }

    /** Whether the kept clip holds any of {@code [from, to)}. */
    boolean overlaps(long from, long to) {
        return file != null && clipFromMs != null && clipFromMs < to && clipToMs > from;
    }
}
