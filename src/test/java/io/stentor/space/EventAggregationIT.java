package io.stentor.space;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.EventsClient;
import io.stentor.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * With a crowd, the room's events stay cheap: joins and reactions are counted, and the counts go
 * out together at most once per {@code events.flush-interval} (1 s by default), not one message
 * per join or reaction.
 */
class EventAggregationIT {

    private static final int FANS = 6;
    private static final int REACTIONS_EACH = 10;

    @Test
    void joinsAndReactionsReachTheRoomAsAtMostOneCountPerSecond() throws Exception {
        try (TestServer ts = new TestServer(Map.of("events.flush-interval", "1s", "space.reactions-per-second", "100"))) {
            Api host = ts.api().registerAndLogin("aggr_host");
            List<Api> fans = new ArrayList<>();
            for (int i = 0; i < FANS; i++) {
                fans.add(ts.api().registerAndLogin("aggr_fan" + i));
            }
            String id = host.post("/api/v1/spaces", Map.of("title", "Crowded")).json().at("/space/id").asText();

            try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null)) {
                room.awaitType("snapshot", m -> true);
                long burstStart = System.nanoTime();
                AtomicInteger accepted = new AtomicInteger();
                IntStream.range(0, FANS).parallel().forEach(i -> {
                    Api fan = fans.get(i);
                    assertThat(fan.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
                    for (int r = 0; r < REACTIONS_EACH; r++) {
                        Api.Res res = fan.post("/api/v1/spaces/" + id + "/reactions", Map.of("emoji", "👏"));
                        assertThat(res.status()).as(res.text()).isEqualTo(202);
                        accepted.incrementAndGet();
                    }
                });
                // Every reaction and join arrives, in sums: the anonymous watcher plus the fans listen.
                room.await("all reactions counted", m -> sumOfClaps(room) == FANS * REACTIONS_EACH);
                room.awaitType("audience", m -> m.get("listeners").asInt() == FANS + 1);
                Thread.sleep(1200); // one more interval: nothing was held back to be sent per event
                long burstMillis = (System.nanoTime() - burstStart) / 1_000_000;

                assertThat(accepted.get()).isEqualTo(FANS * REACTIONS_EACH);
                assertThat(sumOfClaps(room)).isEqualTo(FANS * REACTIONS_EACH);
                // At most one message of each kind per second of the burst (plus the one in flight as it began).
                long maxMessages = burstMillis / 1000 + 1;
                List<Long> reactions = room.arrivalsOf("reactions");
                List<Long> audience = room.arrivalsOf("audience");
                assertThat(reactions).as("reactions messages in %d ms", burstMillis).hasSizeLessThanOrEqualTo((int) maxMessages);
                assertThat(audience).as("audience messages in %d ms", burstMillis).hasSizeLessThanOrEqualTo((int) maxMessages);
                assertThat(reactions.size()).isLessThan(FANS * REACTIONS_EACH / 4);
                assertThat(audience.size()).isLessThan(FANS);
                assertSpacedByAtLeast(reactions, 500);
                assertSpacedByAtLeast(audience, 500);
            }
        }
    }

    private static long sumOfClaps(EventsClient room) {
        long sum = 0;
        for (JsonNode m : room.messages()) {
            if (m.path("type").asText().equals("reactions")) {
                sum += m.at("/counts/👏").asLong();
            }
        }
        return sum;
    }

    /** A flush every second, with room for a late timer on a busy machine; per-event sending would be milliseconds apart. */
    private static void assertSpacedByAtLeast(List<Long> arrivals, long millis) {
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000).as("gap before message %d", i)
                    .isGreaterThanOrEqualTo(millis);
        }
    }
}
