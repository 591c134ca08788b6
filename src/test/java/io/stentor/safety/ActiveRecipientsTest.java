package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.config.ConfigSources;
import io.stentor.guard.SigningKey;
import io.stentor.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Monthly active recipients: each person once a month, across nodes, stored as unlinkable hashes. */
class ActiveRecipientsTest {

    /** A clock a test moves by hand. */
    static final class HandClock extends Clock {
        final AtomicReference<Instant> now;

        HandClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void eachRecipientCountsOnceAMonthOnEveryNodeAndNoIdIsStored(@TempDir Path data) {
        try (Database db = Database.open(ConfigSources.defaultsWith(Map.of("data.dir", data.toString())).db())) {
            SigningKey key = SigningKey.of("", () -> new byte[32]);
            HandClock clock = new HandClock(Instant.parse("2026-10-31T23:59:58Z"));
            try (ActiveRecipients node1 = new ActiveRecipients(db.jdbi(), key, clock);
                    ActiveRecipients node2 = new ActiveRecipients(db.jdbi(), key, clock)) {
                node1.seen("anon:listener-one");
                node1.seen("anon:listener-one");
                node2.seen("anon:listener-one"); // the same person through another node
                node1.seen("3fRt8mQx2LpW9c");
                node1.seenAnonymous("media:17"); // a connection without a client id: not countable
                node1.flush();
                node2.flush();
                clock.now.set(Instant.parse("2026-11-01T00:00:01Z"));
                node2.seen("anon:listener-one");
                Map<YearMonth, Long> months = node1.monthly(YearMonth.of(2026, 9), YearMonth.of(2026, 11));
                assertThat(months).containsExactly(Map.entry(YearMonth.of(2026, 9), 0L),
                        Map.entry(YearMonth.of(2026, 10), 2L), Map.entry(YearMonth.of(2026, 11), 0L));
                assertThat(node2.monthly(YearMonth.of(2026, 11), YearMonth.of(2026, 11)))
                        .containsExactly(Map.entry(YearMonth.of(2026, 11), 1L));
            }
            List<Map<String, Object>> rows = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT month_key, recipient FROM active_recipients ORDER BY month_key").mapToMap().list());
            assertThat(rows).hasSize(3);
            assertThat(rows.toString()).doesNotContain("listener-one", "3fRt8mQx2LpW9c");
            // One person's rows in two months cannot be linked: their hashes differ.
            assertThat(rows.stream().map(r -> r.get("recipient")).distinct()).hasSize(3);
        }
    }
}
