package io.stentor.safety;

import java.time.Instant;

/**
 * An appeal against a decision (DSA Art 20) by the user it affected ({@code role} "affected") or by
 * the notifier ({@code role} "notifier"; {@code appellantId} null when they sent the notice without
 * an account); {@code state} is OPEN, UPHELD or REVERSED.
 */
public record Appeal(String id, String decisionId, String appellantId, String role, Instant filedAt, String explanation,
        String state, String decidedBy, Instant decidedAt, String reply) {

    static final String AFFECTED = "affected";
    static final String NOTIFIER = "notifier";
}
