package io.stentor.space;

/**
 * In-process listener for a space's events (the media plane follows starts, ends and stage changes
 * through this). Called synchronously on the publishing thread, before clients hear of it, so it
 * must be quick and must not throw.
 */
@FunctionalInterface
public interface SpaceObserver {
    void onEvent(String spaceId, SpaceEvent event);
}
