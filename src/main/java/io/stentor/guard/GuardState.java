package io.stentor.guard;

/**
 * How loaded the node is, from measured signals (event-loop lag, bytes queued to sockets, heap,
 * CPU). Lower priority traffic is shed first as the state rises; see docs/OPERATIONS.md.
 */
public enum GuardState {
    /** Everything admitted at the configured rates. */
    NORMAL,
    /** New joins are slowed and may wait; proof-of-work may be asked of joins and logins. */
    CONSTRAINED,
    /** Only the highest priority classes get in; speakers and admitted listeners are protected. */
    CRITICAL;

    /** The lower-case name used in JSON, metrics and /readyz. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
