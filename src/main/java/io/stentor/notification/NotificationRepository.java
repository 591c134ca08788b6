package io.stentor.notification;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Rows of the {@code notifications} table. Blocking. */
final class NotificationRepository {

    private final Jdbi jdbi;

    NotificationRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores one notification per user in a single batch. */
    void insertAll(Collection<String> userIds, List<Notification> perUser) {
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO notifications (id, user_id, kind, space_id, message, created_at)
                    VALUES (:id, :user, :kind, :space, :message, :created)""");
            int i = 0;
            for (String userId : userIds) {
                Notification n = perUser.get(i++);
                batch.bind("id", n.id()).bind("user", userId).bind("kind", n.kind().name()).bind("space", n.spaceId())
                        .bind("message", n.message()).bind("created", Timestamp.from(n.createdAt())).add();
            }
            if (i > 0) {
                batch.execute();
            }
        });
    }

    List<Notification> list(String userId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM notifications WHERE user_id = :user ORDER BY created_at DESC, id LIMIT :limit""")
                .bind("user", userId).bind("limit", limit)
                .map((rs, ctx) -> new Notification(rs.getString("id"), Notification.Kind.valueOf(rs.getString("kind")),
                        rs.getString("space_id"), rs.getString("message"), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("read_at") == null ? null : rs.getTimestamp("read_at").toInstant()))
                .list());
    }

    int unreadCount(String userId) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM notifications WHERE user_id = :user AND read_at IS NULL")
                .bind("user", userId).mapTo(Integer.class).one());
    }

    void markAllRead(String userId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE notifications SET read_at = :now WHERE user_id = :user AND read_at IS NULL")
                .bind("now", Timestamp.from(now)).bind("user", userId).execute());
    }
}
