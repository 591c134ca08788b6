package io.stentor.space;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is listening to each space right now. A listener (a user id, or an id for an anonymous
 * connection) is present while it holds at least one hold: a {@code join} through the API, or an
 * open events or media connection. So a signed-in user counts once however many tabs and players
 * they have open, and leaves the count when the last one goes. Live state only, never stored: a
 * restart empties it and clients come back. Thread-safe.
 */
public final class Audience {

    /** The hold placed by {@code POST /join} (and taken back by {@code POST /leave}). */
    static final String JOINED = "joined";

    private final Map<String, Map<String, Set<String>>> spaces = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> arrivals = listener -> { };

    /** Who to tell when a listener enters a space's audience (called on the caller's thread: keep it cheap). */
    public void onArrival(java.util.function.Consumer<String> arrivals) {
        this.arrivals = arrivals;
    }

    /** Adds a hold; true when the listener was not present before. */
    boolean hold(String spaceId, String listener, String holdId) {
        boolean[] added = {false};
        spaces.computeIfAbsent(spaceId, k -> new ConcurrentHashMap<>()).compute(listener, (k, holds) -> {
            if (holds == null) {
                holds = ConcurrentHashMap.newKeySet();
                added[0] = true;
            }
            holds.add(holdId);
            return holds;
        });
        if (added[0]) {
            arrivals.accept(listener);
        }
        return added[0];
    }

    /** Takes a hold back; true when that was the listener's last one (they left). */
    boolean release(String spaceId, String listener, String holdId) {
        Map<String, Set<String>> members = spaces.get(spaceId);
        if (members == null) {
            return false;
        }
        boolean[] gone = {false};
        members.computeIfPresent(listener, (k, holds) -> {
            holds.remove(holdId);
            gone[0] = holds.isEmpty();
            return holds.isEmpty() ? null : holds;
        });
        return gone[0];
    }

    /** Removes a listener whatever holds it has (moved on stage, removed from the space); true if present. */
    boolean remove(String spaceId, String listener) {
        Map<String, Set<String>> members = spaces.get(spaceId);
        return members != null && members.remove(listener) != null;
    }

    boolean contains(String spaceId, String listener) {
        Map<String, Set<String>> members = spaces.get(spaceId);
        return members != null && members.containsKey(listener);
    }

    public int count(String spaceId) {
        Map<String, Set<String>> members = spaces.get(spaceId);
        return members == null ? 0 : members.size();
    }

    /** Listeners over all spaces, for /metrics. */
    public int total() {
        int n = 0;
        for (Map<String, Set<String>> members : spaces.values()) {
            n += members.size();
        }
        return n;
    }

    void clear(String spaceId) {
        spaces.remove(spaceId);
    }
}
