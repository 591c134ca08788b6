package io.stentor.safety;

import io.stentor.account.AccountRestrictions;
import io.stentor.error.StentorException;
import io.stentor.space.Space;
import io.stentor.space.SpaceModeration;
import io.stentor.space.SpaceService;
import io.stentor.space.SpaceState;
import java.time.Clock;
import java.time.Instant;

/**
 * Carries out moderation decisions — and undoes them when an appeal reverses one. Knows what each
 * {@link ModerationAction} does to spaces, speakers, replays and accounts; decides nothing itself.
 */
final class Enforcement {

    private final SpaceService spaces;
    private final SpaceModeration moderation;
    private final AccountRestrictions accounts;
    private final ModeratedReplays replays;
    private final Clock clock;

    Enforcement(SpaceService spaces, SpaceModeration moderation, AccountRestrictions accounts, ModeratedReplays replays, Clock clock) {
        this.spaces = spaces;
        this.moderation = moderation;
        this.accounts = accounts;
        this.replays = replays;
        this.clock = clock;
    }

    /** Refuses, before anything is recorded, a decision that could not be carried out. */
    void check(Decision d) {
        switch (d.measure()) {
            case END_SPACE -> {
                if (spaces.get(d.spaceId()).state() != SpaceState.LIVE) {
                    throw StentorException.conflict("space_not_live", "Only a live space can be ended.");
                }
            }
            case REMOVE_REPLAY, CUT_REPLAY -> {
                if (!replays.exists(d.spaceId())) {
                    throw StentorException.conflict("no_replay", "This space has no recording to remove.");
                }
            }
            case REMOVE_SPEAKER -> {
                if (d.targetUserId().equals(spaces.get(d.spaceId()).hostId())) {
                    throw StentorException.conflict("is_host", "The host cannot be removed from their own space: "
                            + "end the space, or suspend the account.");
                }
            }
            default -> {
            }
        }
    }

    /**
     * Applies {@code d}; {@code basis} says why an account restriction was imposed ("decision", or
     * an Art 23 misuse basis). Returns what happened, as the end of a sentence about the space or
     * the user ("was demoted: …"), or null for no action.
     */
    String apply(Decision d, String basis) {
        String space = d.spaceId();
        return switch (d.measure()) {
            case NO_ACTION -> null;
            case LABEL -> {
                moderation.label(space, d.label());
                yield "was labelled \"" + d.label() + "\"";
            }
            case DEMOTE -> {
                moderation.demote(space, true);
                yield "was demoted: it no longer appears in lists, recommendations or reminders, but stays reachable by its link";
            }
            case AGE_RESTRICT -> {
                moderation.ageRestrict(space, true);
                yield "was restricted to signed-in adult listeners";
            }
            case MUTE_SPEAKER -> {
                moderation.muteSpeaker(space, d.targetUserId(), d.id(), true);
                yield "had a speaker muted by the moderators";
            }
            case REMOVE_SPEAKER -> {
                moderation.removeSpeaker(space, d.targetUserId(), d.decidedBy());
                yield "had a speaker removed by the moderators";
            }
            case END_SPACE -> {
                moderation.end(space);
                yield "was ended by the moderators";
            }
            case REMOVE_REPLAY -> {
                replays.remove(space, true);
                yield "had its replay removed";
            }
            case CUT_REPLAY -> {
                replays.cut(space, d.id(), d.fromMs(), d.toMs(), d.decidedBy());
                yield "had " + Math.round((d.toMs() - d.fromMs()) / 1000.0) + " s of its replay cut (from " + d.fromMs() / 1000 + " s)";
            }
            case SUSPEND_ACCOUNT -> {
                accounts.restrict(d.affectedUserId(), AccountRestrictions.Kind.SUSPENSION, basis, clock.instant(), d.endsAt(),
                        d.id(), d.explanation());
                takeOffStage(d);
                yield "was suspended until " + d.endsAt();
            }
            case TERMINATE_ACCOUNT -> {
                accounts.restrict(d.affectedUserId(), AccountRestrictions.Kind.TERMINATION, basis, clock.instant(), null,
                        d.id(), d.explanation());
                takeOffStage(d);
                yield "was terminated";
            }
        };
    }

    /** Undoes {@code d} (its appeal succeeded); returns what was restored, for the appellant. */
    String restore(Decision d) {
        String space = d.spaceId();
        return switch (d.measure()) {
            case NO_ACTION -> "";
            case LABEL -> {
                moderation.label(space, null);
                yield " The label was removed.";
            }
            case DEMOTE -> {
                moderation.demote(space, false);
                yield " The space is listed again.";
            }
            case AGE_RESTRICT -> {
                moderation.ageRestrict(space, false);
                yield " Everyone may listen again.";
            }
            case MUTE_SPEAKER -> {
                moderation.muteSpeaker(space, d.targetUserId(), d.id(), false);
                yield " The mute was lifted.";
            }
            case REMOVE_SPEAKER -> {
                moderation.readmit(space, d.targetUserId());
                yield " You may join the space again.";
            }
            case END_SPACE -> " A live space cannot be resumed once ended, but you may start a new one.";
            case REMOVE_REPLAY -> {
                replays.remove(space, false);
                yield " The replay is back.";
            }
            case CUT_REPLAY -> {
                replays.uncut(space, d.id());
                yield " The replay is whole again.";
            }
            case SUSPEND_ACCOUNT, TERMINATE_ACCOUNT -> {
                accounts.liftFor(d.id(), clock.instant());
                yield " Your account is restored.";
            }
        };
    }

    /**
     * A suspended or terminated user leaves the air at once: the live spaces they host end, and
     * they are taken off the stages they speak on.
     */
    private void takeOffStage(Decision d) {
        String user = d.affectedUserId();
        for (Space s : spaces.live()) {
            if (s.hostId().equals(user)) {
                moderation.end(s.id());
            } else if (spaces.stage(s.id()).stream().anyMatch(m -> m.userId().equals(user))) {
                moderation.removeSpeaker(s.id(), user, d.decidedBy());
            }
        }
    }
}
