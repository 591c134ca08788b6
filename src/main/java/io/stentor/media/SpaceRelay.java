package io.stentor.media;

import java.util.Optional;

/**
 * How this node shares live spaces with the rest of a cluster: where the frames of the spaces it
 * mixes also go (an origin publishes them), and where the listener outputs of spaces it does not
 * mix come from (an edge subscribes on demand). {@link #NONE} on a single node. Implementations
 * are thread-safe.
 */
public interface SpaceRelay {

    SpaceRelay NONE = new SpaceRelay() {
    };

    /** Where each mixed frame of {@code spaceId} goes besides this node's own outputs; asked once when it goes live here. */
    default MixOutput publisher(String spaceId) {
        return MixOutput.NONE;
    }

    /**
     * The outputs of a live space this node does not mix, attached (subscribed) now if need be;
     * empty when the space is not live. May block briefly (a database read on first use).
     */
    default Optional<ListenerOutputs> relayed(String spaceId) {
        return Optional.empty();
    }

    /**
     * As {@link #relayed}, for an HLS request: HLS players hold no connection, so the space stays
     * attached for as long as their requests keep coming (and no longer than a few seconds after).
     */
    default Optional<ListenerOutputs> relayedForHls(String spaceId) {
        return relayed(spaceId);
    }
}
