package io.stentor.safety;

import java.time.Instant;
import java.util.List;

/**
 * A notice of allegedly illegal content (DSA Art 16). {@code notifierId} is set when the notifier
 * was signed in; {@code trusted} when they are a trusted flagger (Art 22). Never shown to the
 * person reported.
 */
public record Notice(String id, Instant receivedAt, String notifierId, String notifierName, String notifierEmail,
        boolean trusted, String category, String explanation, String state, String decisionId, boolean live,
        List<NoticeItem> items) {

    /** Why it stands where it is in the queue (trusted_flagger, live, severe), for the console's badges. */
    public List<String> getPriority() {
        return NoticePriority.reasons(this);
    }

    /** Severity rank of its category, 1 the most severe (see {@link NoticePriority}). */
    public int getSeverity() {
        return NoticePriority.severity(category);
    }
}
