package io.stentor.safety;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a moderator may decide (DSA Art 17(1) restrictions, and "no action"), with what each acts
 * on and whether an appeal can undo it. The wire name is the lower-case constant ({@code mute_speaker}).
 */
public enum ModerationAction {
    NO_ACTION(Target.NOTHING, true),
    /** A label shown wherever the space is shown. */
    LABEL(Target.SPACE, true),
    /** No amplification: out of discovery lists, recommendations and reminders; reachable by link. */
    DEMOTE(Target.SPACE, true),
    /** Only signed-in listeners may hear the space and its replay; anonymous lists leave it out. */
    AGE_RESTRICT(Target.SPACE, true),
    /** The speaker is cut server-side in that space, and stays muted whatever the host does. */
    MUTE_SPEAKER(Target.SPEAKER, true),
    /** The speaker is removed from the space and cannot come back. */
    REMOVE_SPEAKER(Target.SPEAKER, true),
    /** The live space is ended for everyone; it cannot be resumed (a reversal says so). */
    END_SPACE(Target.SPACE, false),
    /** The replay is gone for everyone (the file is kept while the decision can be appealed). */
    REMOVE_REPLAY(Target.SPACE, true),
    /** A time range of the replay is silenced for everyone. */
    CUT_REPLAY(Target.SPACE, true),
    /** The account may only read its statements and appeal, for a number of days. */
    SUSPEND_ACCOUNT(Target.ACCOUNT, true),
    /** The account may only read its statements and appeal, for good. */
    TERMINATE_ACCOUNT(Target.ACCOUNT, true);

    /** What an action needs to be named: a space, a speaker in a space, or an account. */
    public enum Target { NOTHING, SPACE, SPEAKER, ACCOUNT }

    private final Target target;
    private final boolean reversible;

    ModerationAction(Target target, boolean reversible) {
        this.target = target;
        this.reversible = reversible;
    }

    public Target target() {
        return target;
    }

    /** Whether a reversed appeal can restore what it restricted. */
    public boolean reversible() {
        return reversible;
    }

    public boolean restricts() {
        return this != NO_ACTION;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ModerationAction> of(String wire) {
        return Arrays.stream(values()).filter(a -> a.wire().equals(wire)).findFirst();
    }

    /** The wire names, for error messages. */
    static String names() {
        return String.join(", ", Arrays.stream(values()).map(ModerationAction::wire).toList());
    }
}
