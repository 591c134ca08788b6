package io.stentor.space;

import io.stentor.error.StentorException;
import java.util.Optional;

/**
 * What moderation decisions do to spaces and the people in them (the {@code safety} part decides;
 * this applies): labels, age restriction, demotion, moderation mutes and removals, and their
 * undoing when an appeal reverses a decision. Each change is announced to the space's clients.
 */
public final class SpaceModeration {

    private final SpaceService spaces;
    private final StageService stage;

    public SpaceModeration(SpaceService spaces, StageService stage) {
        this.spaces = spaces;
        this.stage = stage;
    }

    /** Labels the space ({@code null} removes the label). */
    public void label(String spaceId, String label) {
        spaces.get(spaceId);
        spaces.repo.label(spaceId, label);
        announce(spaceId);
    }

    /** Restricts the space (and its replay) to signed-in listeners, or lifts that. */
    public void ageRestrict(String spaceId, boolean restricted) {
        spaces.get(spaceId);
        spaces.repo.ageRestrict(spaceId, restricted);
        announce(spaceId);
    }

    public void demote(String spaceId, boolean demoted) {
        spaces.demote(spaceId, demoted);
    }

    public void muteSpeaker(String spaceId, String userId, String decisionId, boolean mute) {
        stage.muteByModeration(spaceId, userId, decisionId, mute);
    }

    public void removeSpeaker(String spaceId, String userId, String moderatorId) {
        stage.removeByModeration(spaceId, userId, moderatorId);
    }

    public void readmit(String spaceId, String userId) {
        stage.readmit(spaceId, userId);
    }

    /** Ends a live space for everyone (a moderation decision); no-op if it is no longer live. */
    public void end(String spaceId) {
        if (spaces.get(spaceId).state() == SpaceState.LIVE) {
            spaces.endByModeration(spaceId);
        }
    }

    /**
     * Refuses to let an anonymous listener hear an age-restricted space (live or replay): they
     * must sign in. Cheap: reads the space the caller already needs.
     */
    public static void requireAllowed(Space s, Optional<?> caller) {
        if (s.ageRestricted() && caller.isEmpty()) {
            throw StentorException.forbidden("age_restricted",
                    "This space is restricted to adults: sign in to an adult account to listen.");
        }
    }

    private void announce(String spaceId) {
        spaces.changed(spaceId);
        Space s = spaces.get(spaceId);
        spaces.events().publish(spaceId, new SpaceEvent.StateChanged("edited", spaces.views.space(s)));
    }
}
