package io.stentor.space;

/** A role on a space's stage. Listeners are not on stage and have no stage role. */
public enum StageRole {
    HOST, COHOST, SPEAKER;

    /** Host and co-hosts run the stage: invite, accept requests, mute, move to audience, block. */
    public boolean runsStage() {
        return this == HOST || this == COHOST;
    }
}
