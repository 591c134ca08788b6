package io.stentor.space;

import java.util.Set;

/** Where a space is in its life. The allowed transitions live here and nowhere else. */
public enum SpaceState {
    SCHEDULED, LIVE, ENDED, CANCELLED;

    public boolean canMoveTo(SpaceState next) {
        return switch (this) {
            case SCHEDULED -> Set.of(LIVE, CANCELLED).contains(next);
            case LIVE -> next == ENDED;
            case ENDED, CANCELLED -> false;
        };
    }

    /** Scheduled or live: stage and follow operations still make sense. */
    public boolean isActive() {
        return this == SCHEDULED || this == LIVE;
    }
}
