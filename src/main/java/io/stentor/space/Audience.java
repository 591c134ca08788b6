package io.stentor.space;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is listening to each live space right now: signed-in users who joined, and anonymous event
 * connections. Live state only, never stored: a restart empties it and clients join again.
 * Thread-safe.
 */
public final class Audience {

    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();

    /** Adds a listener (a user id, or "anon:" + a connection id); true when newly added. */
    boolean join(String spaceId, String memberKey) {
        return members.computeIfAbsent(spaceId, k -> ConcurrentHashMap.newKeySet()).add(memberKey);
    }

    boolean leave(String spaceId, String memberKey) {
        Set<String> s = members.get(spaceId);
        return s != null && s.remove(memberKey);
    }

    boolean contains(String spaceId, String memberKey) {
        Set<String> s = members.get(spaceId);
        return s != null && s.contains(memberKey);
    }

    public int count(String spaceId) {
        Set<String> s = members.get(spaceId);
        return s == null ? 0 : s.size();
    }

    /** Listeners over all spaces, for /metrics. */
    public int total() {
        int n = 0;
        for (Set<String> s : members.values()) {
            n += s.size();
        }
        return n;
    }

    void clear(String spaceId) {
        members.remove(spaceId);
    }
}
