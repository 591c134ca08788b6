package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A legitimate join storm ten times the node's admission rate: everyone gets an answer at once
 * (a ticket or a numbered waiting-room place with Retry-After), places are admitted strictly in
 * number order, admissions keep flowing at the configured rate while the line is long, and once
 * the line is empty a new join is admitted at once again.
 */
class JoinStormIT {

    static final int RATE = 40;
    static final int STORM = 400;

    /** One joiner's story. */
    static final class Joiner {
        final String listener = "storm-listener-" + COUNTER.incrementAndGet();
        volatile String place;
        volatile long number;
        volatile boolean admitted;
        volatile long answeredNanos;
    }

    static final AtomicInteger COUNTER = new AtomicInteger();

    @Test
    void aStormLargerThanTheAdmissionRateWaitsInLineAndIsAdmittedFirstComeFirstServed() throws Exception {
        // The clients run in the server's process here, so its CPU is theirs too: CPU does not count
        // towards the load state in this test (were it constrained, the admission rate would halve, by design).
        try (TestServer ts = new TestServer(Map.of("admission.per-second", String.valueOf(RATE),
                "overload.cpu-constrained-percent", "101"))) {
            Api api = ts.api();
            String space = api.registerAndLogin("storm_host").post("/api/v1/spaces", Map.of("title", "Storm"))
                    .json().at("/space/id").asText();
            String join = "/api/v1/spaces/" + space + "/join";

            // The storm: 400 joins at once (open model: nobody waits for anybody).
            List<Joiner> joiners = new ArrayList<>();
            List<CompletableFuture<Void>> answers = new ArrayList<>();
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < STORM; i++) {
                    Joiner j = new Joiner();
                    joiners.add(j);
                    answers.add(CompletableFuture.runAsync(() -> {
                        Api.Res r = api.post(join, Map.of("listener", j.listener, "tier", "http"));
                        j.answeredNanos = System.nanoTime() - start;
                        assertThat(r.status()).as(r.text()).isIn(200, 202);
                        if (r.status() == 202) {
                            assertThat(r.header("Retry-After")).isNotNull();
                            assertThat(r.json().get("position").asLong()).isPositive();
                            assertThat(r.json().get("etaSeconds").asLong()).isPositive();
                            j.place = r.json().get("place").asText();
                            j.number = r.json().get("number").asLong();
                        } else {
                            assertThat(r.json().get("state").asText()).isEqualTo("admitted");
                            j.admitted = true;
                        }
                    }, pool));
                }
                CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            }
            // Everyone was answered quickly; only the burst (a second's worth) and what the rate refilled meanwhile got in.
            long slowest = joiners.stream().mapToLong(j -> j.answeredNanos).max().orElseThrow();
            System.out.printf("storm: %d joins answered within %d ms of the first%n", STORM, slowest / 1_000_000);
            assertThat(slowest).as("slowest answer, ns").isLessThan(Duration.ofSeconds(5).toNanos());
            long inAtOnce = joiners.stream().filter(j -> j.admitted).count();
            assertThat(inAtOnce).isBetween(1L, (long) (RATE * (1 + slowest / 1e9)) + 1);
            List<Joiner> line = joiners.stream().filter(j -> !j.admitted)
                    .sorted(Comparator.comparingLong(j -> j.number)).toList();
            assertThat(line).hasSize(STORM - (int) inAtOnce);
            assertThat(line.stream().map(j -> j.number).distinct().count()).isEqualTo(line.size());

            // Goodput while the line is long: the waiting room drains at the admission rate.
            double w0 = waiting(api);
            long t0 = System.nanoTime();
            // Poll in rounds, highest number first: whoever is admitted, everyone before them must be too.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            double rate = -1;
            while (line.stream().anyMatch(j -> !j.admitted) && System.nanoTime() < deadline) {
                for (Joiner j : line.reversed()) {
                    if (!j.admitted) {
                        Api.Res r = api.post(join, Map.of("listener", j.listener, "tier", "http", "place", j.place));
                        assertThat(r.status()).as(r.text()).isIn(200, 202);
                        j.admitted = r.status() == 200;
                    }
                }
                int admitted = (int) line.stream().filter(j -> j.admitted).count();
                assertThat(line.subList(0, admitted)).as("admitted places form a prefix of the line (FIFO)")
                        .allMatch(j -> j.admitted);
                if (rate < 0 && System.nanoTime() - t0 > Duration.ofSeconds(4).toNanos()) {
                    rate = (w0 - waiting(api)) / ((System.nanoTime() - t0) / 1e9);
                }
                Thread.sleep(200);
            }
            assertThat(line).allMatch(j -> j.admitted);
            assertThat(rate).as("admissions per second from the waiting room").isGreaterThanOrEqualTo(0.9 * RATE);

            // The storm is over: a new join is admitted at once again.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.post(join, Map.of("listener", "after-the-storm-1")).status() == 200);
            JsonNode after = api.post(join, Map.of("listener", "after-the-storm-2")).json();
            assertThat(after.get("state").asText()).isEqualTo("admitted");
        }
    }

    static double waiting(Api api) {
        return api.metric("stentor_admission_waiting");
    }
}
