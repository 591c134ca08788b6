package io.stentor.safety;

import java.time.Instant;

/** An appeal against a decision (DSA Art 20); {@code state} is OPEN, UPHELD or REVERSED. */
public record Appeal(String id, String decisionId, String appellantId, Instant filedAt, String explanation, String state,
        String decidedBy, Instant decidedAt, String reply) {
}
