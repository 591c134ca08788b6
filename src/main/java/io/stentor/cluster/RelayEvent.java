package io.stentor.cluster;

/**
 * A space's lifecycle event on NATS, as JSON: {@code started} and {@code ended}, and {@code removed}
 * (a user removed from the space: edges cut their audio too; {@code userId} set only then).
 */
public record RelayEvent(String type, String spaceId, String userId) {

    static final String STARTED = "started";
    static final String ENDED = "ended";
    static final String REMOVED = "removed";
}
