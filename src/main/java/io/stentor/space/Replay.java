package io.stentor.space;

/** A finished space's recording as lists show it: where to play it, how long, and whether it is public yet. */
public record Replay(String url, long durationMillis, boolean published) {
}
