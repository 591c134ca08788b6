package io.stentor.guard;

import io.stentor.store.Ids;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The fair waiting room: places in arrival order, admitted strictly first come, first served.
 * A place is identified to its client by a random id; the client asks about it now and then, and
 * a place not asked about for the waiting timeout is given up (its client left). Not thread-safe:
 * {@link Admission} guards it.
 */
final class WaitingRoom {

    /** One person waiting (or admitted, until their client picks up the ticket). */
    static final class Place {
        final String id = Ids.next() + Ids.next();
        final long number;
        final String spaceId;
        final String subject;
        final Priority priority;
        long lastSeen;
        boolean admitted;

        Place(long number, String spaceId, String subject, Priority priority, long now) {
            this.number = number;
            this.spaceId = spaceId;
            this.subject = subject;
            this.priority = priority;
            this.lastSeen = now;
        }
    }

    private final ArrayDeque<Place> queue = new ArrayDeque<>();
    private final ArrayDeque<Place> admittedLine = new ArrayDeque<>();
    private final Map<String, Place> byId = new HashMap<>();
    private long nextNumber = 1;

    Place enter(String spaceId, String subject, Priority priority, long now) {
        Place p = new Place(nextNumber++, spaceId, subject, priority, now);
        queue.addLast(p);
        byId.put(p.id, p);
        return p;
    }

    Place find(String id) {
        return id == null ? null : byId.get(id);
    }

    /** The first place still waiting, after giving up the abandoned ones at the head; null when empty. */
    Place head(long now, long timeoutNanos) {
        Place p;
        while ((p = queue.peekFirst()) != null && now - p.lastSeen > timeoutNanos) {
            queue.removeFirst();
            byId.remove(p.id);
        }
        return p;
    }

    /** Takes the head out of the line: it is admitted and waits for its client to pick up the ticket. */
    void admitHead(long now) {
        Place p = queue.removeFirst();
        p.admitted = true;
        p.lastSeen = now;
        admittedLine.addLast(p);
    }

    /** The client picked up its ticket (or gave up): the place is gone. */
    void remove(Place p) {
        byId.remove(p.id);
        if (!p.admitted) {
            queue.remove(p);
        }
    }

    /** Admitted places whose clients never came back for their ticket; returns how many were dropped. */
    int dropUnclaimed(long now, long timeoutNanos) {
        int dropped = 0;
        Place p;
        while ((p = admittedLine.peekFirst()) != null && (!byId.containsKey(p.id) || now - p.lastSeen > timeoutNanos)) {
            admittedLine.removeFirst();
            if (byId.remove(p.id) != null) {
                dropped++;
            }
        }
        return dropped;
    }

    /** People ahead of this place (its position is this plus one). */
    long ahead(Place p) {
        Place first = queue.peekFirst();
        return first == null || p.admitted ? 0 : Math.max(0, p.number - first.number);
    }

    int waiting() {
        return queue.size();
    }
}
