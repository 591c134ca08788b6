package io.stentor.space;

/** What happens to the recording when the space ends. */
public enum RecordingPolicy {
    /** The replay is public as soon as the space ends. */
    PUBLISH_IMMEDIATELY,
    /** The replay waits until the host (or a moderator) publishes it. */
    HOLD_UNTIL_PUBLISHED
}
