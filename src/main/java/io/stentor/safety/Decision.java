package io.stentor.safety;

import java.time.Instant;
import java.util.List;

/**
 * A moderation decision and the facts its statement of reasons (DSA Art 17) is made of: what was
 * done, on which ground (illegal content: the legal ground; or incompatible with the terms: which
 * clause of which version), where it applies, and whether detection or decision was automated.
 */
public record Decision(String id, String noticeId, String decidedBy, Instant decidedAt, String action, String spaceId,
        String affectedUserId, String ground, String legalGround, String termsVersion, String termsClause,
        String explanation, List<String> territorialScope, boolean automatedDetection, String automatedDecision) {
}
