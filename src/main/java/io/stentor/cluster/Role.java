package io.stentor.cluster;

/** What a node does in a cluster (setting {@code role}). */
public enum Role {
    /** Mixes live spaces, records them, answers the control API, and publishes each space's frames on NATS. */
    ORIGIN,
    /** Mixes nothing: subscribes to the spaces its listeners ask for and serves them with its own guard and caps. */
    EDGE;

    public static Role of(String setting) {
        return setting.equals("edge") ? EDGE : ORIGIN;
    }
}
