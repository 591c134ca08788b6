package io.stentor.flood;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.loadtest.ClientSockets;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each kind of flood, run in-process for a few seconds against a real server, and what an operator
 * would see. The flood comes from 127.0.0.2.. (not exempt here); the test's own client, 127.0.0.1,
 * is the operator's: exempt, as loopback is by default.
 */
class FloodIT {

    static TestServer ts;
    static Api operator;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("guard.exempt", "127.0.0.1/32", "guard.logins-per-minute", "3",
                "guard.max-pending-handshakes", "20"));
        operator = ts.api();
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    private static FloodPlan plan(List<FloodKind> kinds, String space, double rate, double seconds, long count,
            int connections, String handle) {
        URI server = URI.create(ts.baseUrl());
        return new FloodPlan(server, space, kinds, rate, Duration.ofMillis((long) (seconds * 1000)), count, connections,
                ClientSockets.sourceAddresses(server, 8, 0), handle, false);
    }

    private static FloodReport run(FloodPlan plan) {
        FloodReport r = new FloodRunner(plan).run(line -> { });
        System.out.print(r.summary()); // in target/surefire-reports/*FloodIT-output.txt
        return r;
    }

    /** Runs the flood in the background while checking, every 200 ms, that the operator still gets /healthz. */
    private static FloodReport runWhileHealthy(FloodPlan plan) throws Exception {
        CompletableFuture<FloodReport> flood = CompletableFuture.supplyAsync(() -> run(plan));
        int checks = 0;
        while (!flood.isDone()) {
            assertThat(operator.get("/healthz").status()).as("/healthz during the flood").isEqualTo(200);
            checks++;
            Thread.sleep(200);
        }
        assertThat(checks).isGreaterThan(0);
        assertThat(operator.get("/healthz").status()).as("/healthz after the flood").isEqualTo(200);
        return flood.get();
    }

    private static void everyAttemptEndedVisibly(FloodReport.KindResult k) {
        assertThat(k.attempts()).isPositive();
        assertThat(k.connectErrors()).as("connect errors").isZero();
        assertThat(k.answered() + k.closedOnConnect() + k.closedByServer())
                .as("every attempt answered or closed by the server: " + k).isEqualTo(k.attempts() - k.skipped());
    }

    @Test
    void junkIsAnsweredWith400Or431JsonErrorsAndNothingElse() throws Exception {
        FloodReport.KindResult junk = runWhileHealthy(plan(List.of(FloodKind.JUNK), null, 40, 3, 60, 100, null))
                .kind(FloodKind.JUNK);

        assertThat(junk.attempts()).isEqualTo(60);
        everyAttemptEndedVisibly(junk);
        assertThat(junk.answered()).as("answered, not just closed: " + junk).isGreaterThanOrEqualTo(55);
        assertThat(junk.status(400)).isPositive();
        assertThat(junk.status(431)).isPositive();
        // Invalid JSON to an API route may also meet its own guard first: not signed in, or the sign-up limit.
        assertThat(junk.byStatus().keySet()).isSubsetOf("400", "401", "429", "431");
        assertThat(junk.byError()).containsKeys("malformed_request", "headers_too_large", "malformed_json");
        assertThat(junk.byError().values().stream().mapToLong(Long::longValue).sum())
                .as("every answer is a JSON error").isEqualTo(junk.answered());
        assertThat(junk.latencyMillis().count()).isEqualTo(junk.answered());
    }

    @Test
    void loginsBeyondTheLimitAreRefusedWith429AndRetryAfter() throws Exception {
        operator.registerAndLogin("victim");
        FloodReport.KindResult logins = runWhileHealthy(plan(List.of(FloodKind.LOGINS), null, 40, 3, 60, 100, "victim"))
                .kind(FloodKind.LOGINS);

        everyAttemptEndedVisibly(logins);
        // At most 3 a minute for each of the 8 source addresses may try a password; the rest are refused unhashed.
        assertThat(logins.status(401)).isBetween(1L, 24L);
        assertThat(logins.status(429)).isGreaterThanOrEqualTo(60 - 24);
        assertThat(logins.withRetryAfter()).isEqualTo(logins.status(429));
        // Refused by the per-address limit, or by the per-account throttle once the account is under attack.
        assertThat(logins.byError().getOrDefault("rate_limited", 0L) + logins.byError().getOrDefault("login_throttled", 0L))
                .isEqualTo(logins.status(429));
        assertThat(operator.get("/metrics").text()).containsPattern("stentor_guard_refused_total\\{action=\"login\"} [1-9]");
    }

    @Test
    void invalidTicketsAndReconnectStormsAreAllAnsweredOrClosedAndTheServerStaysHealthy() throws Exception {
        // Junk tickets are refused by their signature (401 ticket_invalid) or, past the per-address
        // join limit, by the rate limit; the reconnect storm is let in until its rate limit bites.
        Api host = ts.api().registerAndLogin("floodhost");
        String space = host.post("/api/v1/spaces", Map.of("title", "Flooded")).json().at("/space/id").asText();
        FloodReport r = runWhileHealthy(plan(List.of(FloodKind.INVALID_TICKETS, FloodKind.RECONNECT_STORM), space,
                30, 3, 60, 100, null));

        everyAttemptEndedVisibly(r.kind(FloodKind.INVALID_TICKETS));
        assertThat(r.kind(FloodKind.INVALID_TICKETS).byStatus().keySet()).isSubsetOf("401", "429");
        assertThat(r.kind(FloodKind.INVALID_TICKETS).byError()).containsKey("ticket_invalid");
        assertThat(operator.get("/metrics").text()).containsPattern("stentor_tickets_rejected_total\\{reason=\"invalid\"} [1-9]");
        everyAttemptEndedVisibly(r.kind(FloodKind.RECONNECT_STORM));
        assertThat(r.kind(FloodKind.RECONNECT_STORM).byStatus().keySet()).isSubsetOf("101", "429");
        assertThat(r.kind(FloodKind.RECONNECT_STORM).status(101)).isPositive();
        assertThat(host.get("/api/v1/spaces/" + space).json().at("/space/state").asText()).isEqualTo("live");
    }

    @Test
    void slowHeadsBeyondThePendingCapAreClosedOnConnectWhileTheOperatorGetsIn() throws Exception {
        // 60 slow heads at once against a cap of 20: 40 are closed on connect, 20 are held until the drill ends.
        CompletableFuture<FloodReport> flood = CompletableFuture.supplyAsync(() ->
                run(plan(List.of(FloodKind.SLOWLORIS), null, 200, 4, 60, 100, null)));
        Thread.sleep(1500);
        assertThat(operator.get("/healthz").status()).isEqualTo(200);
        String metrics = operator.get("/metrics").text();
        assertThat(metrics).contains("stentor_guard_pending_handshakes 20.0");
        assertThat(metrics).containsPattern("stentor_guard_refused_total\\{action=\"pending_handshakes\"} [1-9]");

        FloodReport.KindResult slow = flood.get().kind(FloodKind.SLOWLORIS);
        assertThat(slow.attempts()).isEqualTo(60);
        assertThat(slow.connectErrors()).isZero();
        assertThat(slow.answered()).isZero();
        assertThat(slow.closedOnConnect()).isEqualTo(40);
        assertThat(slow.closedByServer()).isZero(); // the 20 held outlived the drill (header timeout 10 s)
        assertThat(operator.get("/metrics").text()).contains("stentor_guard_pending_handshakes 0.0");
    }

    @Test
    void theRunStopsAtItsCountOrItsDurationWhicheverComesFirst() {
        long t0 = System.nanoTime();
        FloodReport counted = run(plan(List.of(FloodKind.JUNK), null, 100, 10, 5, 10, null));
        assertThat(counted.kind(FloodKind.JUNK).attempts()).isEqualTo(5);
        assertThat(counted.seconds()).isLessThan(3);

        FloodReport timed = run(plan(List.of(FloodKind.JUNK), null, 10, 1, 1000, 10, null));
        assertThat(timed.kind(FloodKind.JUNK).attempts()).isBetween(9L, 10L);
        assertThat(timed.seconds()).isLessThan(1 + FloodRunner.DRAIN_SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }
}
