package io.stentor.safety;

import java.time.Instant;
import java.util.List;

/**
 * An order from a Member State's authority, as registered: to act against illegal content (DSA
 * Art 9, {@code act_against_illegal_content}) or to provide information about recipients (Art 10,
 * {@code provide_information}); what it covers; and when it was received, acknowledged to the
 * authority and given effect (or not, with the reasons). {@code state} is RECEIVED, ACKNOWLEDGED or
 * EFFECTED, in that order only.
 */
public record AuthorityOrder(String id, String kind, String authority, String memberState, String reference,
        String legalBasis, String category, Scope scope, String state, Instant receivedAt, Instant acknowledgedAt,
        Instant effectedAt, Boolean givenEffect, String effect, String decisionId) {

    /** What the order covers: a space, a user, a time range of content, where it applies, and in words. */
    public record Scope(String spaceId, String userHandle, Instant contentFrom, Instant contentTo,
            List<String> territorialScope, String note) {
    }
}
