package io.stentor.notification;

import java.time.Instant;

/** An in-app notification: a reminder that a followed space started, moved or was cancelled, an invitation. */
public record Notification(String id, Kind kind, String spaceId, String message, Instant createdAt, Instant readAt) {

    /** What the notification is about. */
    public enum Kind { SPACE_STARTED, SPACE_RESCHEDULED, SPACE_CANCELLED, STAGE_INVITE, REPLAY_PUBLISHED, STATEMENT_OF_REASONS, NOTICE_DECIDED, APPEAL_DECIDED, MISUSE_WARNING }
}
