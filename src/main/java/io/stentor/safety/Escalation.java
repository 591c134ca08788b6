package io.stentor.safety;

import java.time.Instant;

/**
 * A threat to life or safety escalated by a moderator (DSA Art 18): the space (and the notice, if
 * one led to it), why, the audio preserved at that moment ({@code evidence}, null when the space
 * had none on disk), and whom the moderators informed and when. {@code state} is OPEN until the
 * authorities were informed, then INFORMED.
 */
public record Escalation(String id, String noticeId, String spaceId, String reason, String state, Instant escalatedAt,
        boolean spaceWasLive, Evidence evidence, String informedAuthority, String informedReference, Instant informedAt) {

    /** The preserved audio: its size, its SHA-256 when stored, and where moderators fetch it. */
    public record Evidence(long bytes, String sha256, String url) {
    }
}
