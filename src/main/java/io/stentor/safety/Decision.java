package io.stentor.safety;

import java.time.Instant;
import java.util.List;

/**
 * A moderation decision and the facts its statement of reasons (DSA Art 17) is made of: what was
 * done and to what (the space, a speaker in it, an account; the label, the cut range, the end of a
 * suspension), on which ground (illegal content: the legal ground; or incompatible with the terms:
 * which clause of which version), where it applies, and whether detection or decision was
 * automated. {@code noticeId} is null for a decision on the platform's own initiative, which then
 * carries its own {@code category}; {@code reversedAt} is set when an appeal reversed it.
 */
public record Decision(String id, String noticeId, String decidedBy, Instant decidedAt, String action, String spaceId,
        String affectedUserId, String ground, String legalGround, String termsVersion, String termsClause,
        String explanation, List<String> territorialScope, boolean automatedDetection, String automatedDecision,
        String targetUserId, String label, Long fromMs, Long toMs, Instant endsAt, String category, boolean unfounded,
        Instant reversedAt) {

    public ModerationAction measure() {
        return ModerationAction.of(action).orElseThrow();
    }

    public boolean ownInitiative() {
        return noticeId == null;
    }
}
