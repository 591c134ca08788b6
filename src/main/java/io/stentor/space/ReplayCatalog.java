package io.stentor.space;

import java.util.Collection;
import java.util.Map;

/** Looks up the replays of ended spaces (implemented by the media plane's recordings). */
@FunctionalInterface
public interface ReplayCatalog {

    /** Replays by space id, for those of the given spaces that have one (published or not). */
    Map<String, Replay> replays(Collection<String> spaceIds);

    ReplayCatalog NONE = ids -> Map.of();
}
