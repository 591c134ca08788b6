package io.stentor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator measures what it claims to: checked against servers whose behaviour we know. */
class LoadGeneratorTest {

    private static LoadReport run(URI target, int listeners) throws Exception {
        return new LoadGenerator(new LoadGenerator.Plan(target, listeners, 200, Duration.ofMillis(500),
                Duration.ofSeconds(2), List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")), 0))
                .run(n -> { });
    }

    @Test
    void itMeasuresAKnownDelayAsLatency() throws Exception {
        try (StubStreamServer stub = new StubStreamServer(true, 20, 150)) {
            LoadReport r = run(URI.create("ws://127.0.0.1:" + stub.port() + "/listen"), 20);
            assertThat(r.joined()).isEqualTo(20);
            assertThat(r.latencyMillis().p50()).isCloseTo(150.0, offset(15.0));
            assertThat(r.starved()).isZero();
            assertThat(r.lostRatio()).isLessThan(0.02);
        }
    }

    @Test
    void itDetectsASlowWebSocketServer() throws Exception {
        try (StubStreamServer stub = new StubStreamServer(true, 40, 0)) {
            LoadReport r = run(URI.create("ws://127.0.0.1:" + stub.port() + "/listen"), 20);
            assertThat(r.joined()).isEqualTo(20);
            assertThat(r.starved()).isEqualTo(20);
            assertThat(r.lostRatio()).isCloseTo(0.5, offset(0.1));
        }
    }

    @Test
    void framesThatNeverCameAreCountedAsLost() throws Exception {
        try (StubStreamServer stub = new StubStreamServer(true, 20, 0, 10)) {
            LoadReport r = run(URI.create("ws://127.0.0.1:" + stub.port() + "/listen"), 20);
            assertThat(r.joined()).isEqualTo(20);
            assertThat(r.lostRatio()).isCloseTo(0.1, offset(0.03));
            assertThat(r.framesLate()).isZero();
        }
    }

    @Test
    void itTellsARealTimeOggStreamFromASlowOne() throws Exception {
        try (StubStreamServer good = new StubStreamServer(false, 20, 0);
             StubStreamServer slow = new StubStreamServer(false, 40, 0)) {
            LoadReport fine = run(URI.create("http://127.0.0.1:" + good.port() + "/live.opus"), 20);
            assertThat(fine.joined()).isEqualTo(20);
            assertThat(fine.starved()).isZero();
            LoadReport starving = run(URI.create("http://127.0.0.1:" + slow.port() + "/live.opus"), 20);
            assertThat(starving.joined()).isEqualTo(20);
            assertThat(starving.starved()).isEqualTo(20);
        }
    }

    @Test
    void joinLatencyCountsFromWhenAListenerWasDueNotWhenItGotToConnect() throws Exception {
        // 50 listeners due within 50 ms at a server that answers after each one waited 0 ms: the join
        // latency must include time spent waiting for the (single-threaded) stub, not start at connect.
        try (StubStreamServer stub = new StubStreamServer(true, 20, 0)) {
            LoadReport r = run(URI.create("ws://127.0.0.1:" + stub.port() + "/listen"), 50);
            assertThat(r.joinMillis().count()).isEqualTo(50);
            assertThat(r.joinMillis().p50()).isGreaterThan(0.0);
        }
    }

    @Test
    void aRefusedUpgradeFailsTheListenerWithItsStatusAndErrorCode() throws Exception {
        try (java.net.ServerSocket refusing = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                String body = "{\"error\":\"websocket_full\",\"message\":\"Full.\"}";
                while (!refusing.isClosed()) {
                    try (java.net.Socket s = refusing.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        s.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            LoadReport r = run(URI.create("ws://127.0.0.1:" + refusing.getLocalPort() + "/listen"), 5);
            assertThat(r.joined()).isZero();
            assertThat(r.failed()).isEqualTo(5);
            assertThat(r.sampleFailures()).contains("HTTP 503 websocket_full");
        }
    }

    @Test
    void remoteTargetsAreRefusedUnlessAllowed() {
        assertThatThrownBy(() -> ClientSockets.checkTarget(URI.create("http://93.184.216.34/x"), false))
                .hasMessageContaining("--allow-remote");
        ClientSockets.checkTarget(URI.create("http://127.0.0.5/x"), false);
    }

    @Test
    void reportsOfSeveralProcessesMergeExactly() throws Exception {
        try (StubStreamServer stub = new StubStreamServer(true, 20, 100)) {
            URI t = URI.create("ws://127.0.0.1:" + stub.port() + "/listen");
            LoadReport a = run(t, 10);
            LoadReport b = run(t, 10);
            LoadReport both = LoadReport.merge(List.of(a, b));
            assertThat(both.listeners()).isEqualTo(20);
            assertThat(both.joined()).isEqualTo(a.joined() + b.joined());
            assertThat(both.latencyMillis().count()).isEqualTo(a.latencyMillis().count() + b.latencyMillis().count());
            assertThat(both.latencyMillis().p50()).isCloseTo(100.0, offset(15.0));
        }
    }

    @Test
    void listenersSpreadOverTwoServersAreCountedPerServerAndSummed() throws Exception {
        try (StubStreamServer near = new StubStreamServer(true, 20, 50);
             StubStreamServer far = new StubStreamServer(true, 20, 200)) {
            URI a = URI.create("ws://127.0.0.1:" + near.port() + "/listen");
            URI b = URI.create("ws://127.0.0.1:" + far.port() + "/listen");
            LoadReport r = new LoadGenerator(new LoadGenerator.Plan(List.of(a, b), 30, 200, Duration.ofMillis(500),
                    Duration.ofSeconds(2), List.of(InetAddress.getByName("127.0.0.2")), List.of())).run(n -> { });
            assertThat(r.targets()).extracting(LoadReport::target).containsExactly(a.toString(), b.toString());
            assertThat(r.targets()).extracting(LoadReport::listeners).containsExactly(15, 15);
            assertThat(r.joined()).isEqualTo(30);
            assertThat(r.targets().get(0).latencyMillis().p50()).isCloseTo(50.0, offset(15.0));
            assertThat(r.targets().get(1).latencyMillis().p50()).isCloseTo(200.0, offset(15.0));
            assertThat(r.latencyMillis().count()).isEqualTo(r.targets().get(0).latencyMillis().count()
                    + r.targets().get(1).latencyMillis().count());
            assertThat(r.framesExpected()).isEqualTo(2 * r.targets().get(0).framesExpected());
            // Two client processes' reports of the same two servers merge server by server.
            LoadReport both = LoadReport.merge(List.of(r, r));
            assertThat(both.listeners()).isEqualTo(60);
            assertThat(both.targets()).extracting(LoadReport::listeners).containsExactly(30, 30);
        }
    }
}
