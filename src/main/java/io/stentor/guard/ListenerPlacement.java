package io.stentor.guard;

import java.util.Optional;

/**
 * Where an admitted listener is sent to listen: this node (empty), or the base URL of another
 * node (the least-loaded live edge of a cluster). Asked once per admitted join; thread-safe.
 */
@FunctionalInterface
public interface ListenerPlacement {

    ListenerPlacement HERE = region -> Optional.empty();

    /**
     * The base URL (scheme, host, port; no trailing slash) of the node the listener should use, or
     * empty for this one. {@code region} is where the listener says it is (null: unknown).
     */
    Optional<String> place(String region);
}
