package io.stentor.safety;

import io.stentor.account.Caller;
import io.stentor.error.StentorException;

/** Who may see notices, evidence and appeals, and decide them: moderators and admins. */
final class Moderators {

    private Moderators() {
    }

    static void require(Caller c) {
        if (!c.isModerator()) {
            throw StentorException.forbidden("moderators_only", "Only moderators may see and decide notices.");
        }
    }
}
