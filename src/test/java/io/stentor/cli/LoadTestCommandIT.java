package io.stentor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stentor loadtest} against a real server, with a synthetic speaker, as a user runs it. */
class LoadTestCommandIT {

    @TempDir
    Path dir;

    @Test
    void aSmallCrowdOnEveryTierHearsTheSyntheticSpeakerInRealTime() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("loadhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Loaded")).json().at("/space/id").asText();
            for (String tier : new String[] {"ws", "ogg", "hls"}) {
                Path json = dir.resolve(tier + ".json");
                StringWriter out = new StringWriter();
                var cmd = StentorCommand.commandLine();
                cmd.setOut(new PrintWriter(out));
                int code = cmd.execute("loadtest", "--server", ts.baseUrl(), "--space", id, "--tier", tier,
                        "--listeners", "30", "--arrival-rate", "100", "--warmup", "1.5", "--hold", tier.equals("hls") ? "4" : "2",
                        "--speak-token", host.token(), "--server-pid", Long.toString(ProcessHandle.current().pid()),
                        "--json", json.toString());
                assertThat(code).isZero();
                JsonNode r = io.stentor.server.Json.MAPPER.readTree(Files.readAllBytes(json));
                assertThat(r.get("joined").asInt()).as(tier).isEqualTo(30);
                assertThat(r.get("starved").asInt()).as(tier).isZero();
                assertThat(r.get("serverCpuCores").asDouble()).as(tier).isGreaterThan(0);
                if (tier.equals("hls")) { // LL-HLS players: parts arrive as the server finishes them
                    assertThat(r.get("tier").asText()).isEqualTo("hls");
                    assertThat(r.at("/latencyMillis/p50").asDouble()).isBetween(-50.0, 500.0);
                    assertThat(r.get("framesLost").asLong()).isLessThan(r.get("framesExpected").asLong() / 5);
                }
                if (tier.equals("ws")) {
                    assertThat(r.at("/latencyMillis/p50").asDouble()).isBetween(20.0, 500.0);
                    assertThat(r.get("framesLost").asLong()).isLessThan(r.get("framesExpected").asLong() / 50);
                }
            }
        }
    }

    @Test
    void aCrowdSpreadOverTwoServersIsReportedPerServerAndSummed() throws Exception {
        try (TestServer a = new TestServer(); TestServer b = new TestServer()) {
            java.util.List<String> urls = new java.util.ArrayList<>();
            java.util.List<io.stentor.support.MediaClient> speakers = new java.util.ArrayList<>();
            try {
                for (TestServer ts : new TestServer[] {a, b}) {
                    Api host = ts.api().registerAndLogin("edgehost");
                    String id = host.post("/api/v1/spaces", Map.of("title", "Two")).json().at("/space/id").asText();
                    speakers.add(io.stentor.support.MediaClient.speaker(ts, id, host.token()).sendTone(440));
                    urls.add(ts.baseUrl().replaceFirst("^http", "ws") + "/api/v1/spaces/" + id + "/listen");
                }
                Path json = dir.resolve("two.json");
                StringWriter out = new StringWriter();
                var cmd = StentorCommand.commandLine();
                cmd.setOut(new PrintWriter(out));
                String pid = Long.toString(ProcessHandle.current().pid());
                int code = cmd.execute("loadtest", "--url", String.join(",", urls), "--listeners", "41",
                        "--arrival-rate", "100", "--warmup", "1.5", "--hold", "2", "--server-pid", pid, "--server-pid", pid,
                        "--json", json.toString());
                assertThat(code).isZero();
                JsonNode r = io.stentor.server.Json.MAPPER.readTree(Files.readAllBytes(json));
                JsonNode each = r.get("targets");
                assertThat(each).hasSize(2);
                assertThat(each.get(0).get("target").asText()).isEqualTo(urls.get(0));
                assertThat(each.get(0).get("listeners").asInt()).isEqualTo(21); // round-robin
                assertThat(each.get(1).get("listeners").asInt()).isEqualTo(20);
                assertThat(r.get("joined").asInt()).isEqualTo(each.get(0).get("joined").asInt() + each.get(1).get("joined").asInt())
                        .isEqualTo(41);
                assertThat(r.get("starved").asInt()).isZero();
                assertThat(r.at("/latencyMillis/count").asLong())
                        .isEqualTo(each.get(0).at("/latencyMillis/count").asLong() + each.get(1).at("/latencyMillis/count").asLong());
                assertThat(r.get("framesExpected").asLong())
                        .isEqualTo(each.get(0).get("framesExpected").asLong() + each.get(1).get("framesExpected").asLong());
                // One PID per server: each server's CPU, and their sum on top.
                assertThat(each.get(0).get("serverCpuCores").asDouble()).isGreaterThan(0);
                assertThat(r.get("serverCpuCores").asDouble()).isCloseTo(
                        each.get(0).get("serverCpuCores").asDouble() + each.get(1).get("serverCpuCores").asDouble(),
                        org.assertj.core.data.Offset.offset(0.001));
                assertThat(r.get("clientCpuCores").asDouble()).isGreaterThan(0);
                assertThat(out.toString()).contains("2 servers, figures below summed").contains(urls.get(0)).contains(urls.get(1));
            } finally {
                speakers.forEach(io.stentor.support.MediaClient::close);
            }
        }
    }

    @Test
    void joiningThroughAnOriginSpreadsTheCrowdOverItsEdgesAndSumsTheirFigures() throws Exception {
        java.util.List<io.stentor.support.NodeProcess> nodes = new java.util.ArrayList<>();
        try (io.stentor.support.ClusterFixture fx = new io.stentor.support.ClusterFixture(io.stentor.support.ClusterFixture.NATS)) {
            String nats = io.stentor.support.ClusterFixture.NATS;
            io.stentor.support.NodeProcess origin = io.stentor.support.NodeProcess.start("origin", fx.node("origin", nats));
            nodes.add(origin);
            origin.awaitUp(java.time.Duration.ofSeconds(60));
            for (int i = 0; i < 2; i++) {
                nodes.add(io.stentor.support.NodeProcess.start("edge" + i, fx.node("edge", nats)));
            }
            nodes.subList(1, 3).forEach(e -> e.awaitUp(java.time.Duration.ofSeconds(60)));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> origin.api().metric("stentor_cluster_edges") == 2);
            Api host = origin.api().registerAndLogin("joinhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Joined")).json().at("/space/id").asText();
            Path json = dir.resolve("join.json");
            StringWriter out = new StringWriter();
            var cmd = StentorCommand.commandLine();
            cmd.setOut(new PrintWriter(out));
            int code = cmd.execute("loadtest", "--join", "--server", origin.baseUrl(), "--space", id, "--tier", "ws",
                    "--listeners", "20", "--arrival-rate", "50", "--warmup", "1.5", "--hold", "2", "--speak-token", host.token(),
                    "--server-pid", Long.toString(nodes.get(1).pid()), "--server-pid", Long.toString(nodes.get(2).pid()),
                    "--json", json.toString());
            assertThat(code).isZero();
            JsonNode r = io.stentor.server.Json.MAPPER.readTree(Files.readAllBytes(json));
            java.util.Set<String> edges = new java.util.HashSet<>();
            int joined = 0;
            for (JsonNode t : r.get("targets")) {
                edges.add(java.net.URI.create(t.get("target").asText()).getPort() + "");
                joined += t.get("joined").asInt();
            }
            assertThat(edges).as(out.toString()).containsExactlyInAnyOrder(nodes.get(1).port() + "", nodes.get(2).port() + "");
            assertThat(joined).isEqualTo(r.get("joined").asInt()).isEqualTo(20);
            assertThat(r.get("starved").asInt()).as(out.toString()).isZero();
            assertThat(r.at("/admitMillis/count").asLong()).isEqualTo(20);
            assertThat(r.get("admitSpanSeconds").asDouble()).as("first arrival to last admission").isBetween(0.3, 10.0);
            assertThat(r.at("/admitMillis/p50").asDouble()).isLessThanOrEqualTo(r.at("/joinMillis/p50").asDouble());
            assertThat(r.get("serverCpuCores").asDouble()).as("both edges' CPU").isGreaterThan(0);
            assertThat(out.toString()).contains("2 servers, figures below summed").contains("admitted ");
        } finally {
            nodes.forEach(io.stentor.support.NodeProcess::close);
        }
    }

    @Test
    void joinersSolveTheProofOfWorkAConstrainedServerAsksFor() throws Exception {
        var state = new java.util.concurrent.atomic.AtomicReference<>(io.stentor.guard.GuardState.NORMAL);
        try (TestServer ts = new TestServer(Map.of("guard.exempt", ""), state::get)) {
            Api host = ts.api().registerAndLogin("powhost");
            String id = host.post("/api/v1/spaces", Map.of("title", "Busy")).json().at("/space/id").asText();
            state.set(io.stentor.guard.GuardState.CONSTRAINED); // joins now need a proof of work (428 first)
            io.stentor.loadtest.LoadReport r = new io.stentor.loadtest.LoadGenerator(new io.stentor.loadtest.LoadGenerator.Plan(
                    java.util.List.of(java.net.URI.create(ts.baseUrl() + "/spaces/" + id + "/live.opus")), 5, 20,
                    java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1),
                    java.util.List.of(java.net.InetAddress.getByName("127.0.0.2")), java.util.List.of(), true, false)).run(n -> { });
            assertThat(r.proofsSolved()).as(r.summary()).isEqualTo(5);
            assertThat(r.admitMillis().count()).isEqualTo(5);
            assertThat(r.joined()).isEqualTo(5);
            assertThat(r.failed()).isZero();
        }
    }
}
