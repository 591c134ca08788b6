package io.stentor.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.guard.ProofOfWork;
import io.stentor.server.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Joins a space as a browser does (docs/PROTOCOL.md "Joining"): {@code POST /api/v1/spaces/{id}/join}
 * at the origin; on 202 waits {@code Retry-After} and asks again with its place; on 428 fetches a
 * proof-of-work challenge, solves it and asks again; on 200 {@code admitted} hands back the absolute
 * URL to listen to (an edge's, from an origin with edges). Anything else fails the join, with the
 * server's error code. Thread-safe; requests run on the HTTP client's threads, proofs on virtual threads.
 */
final class JoinClient implements AutoCloseable {

    /** Why a join did not end in an admission. */
    static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private final URI origin;
    private final String spaceId;
    private final boolean webSocket;
    private final List<HttpClient> clients = new ArrayList<>();
    /** An admission: where to listen, after how many turns in the waiting room and proofs of work. */
    record Admitted(URI listen, int waits, int proofs) {
    }

    /** {@code origin}: the server's base URL; listeners ask for the WebSocket tier, or else the HTTP Ogg tier. */
    JoinClient(URI origin, String spaceId, boolean webSocket, List<InetAddress> sources) {
        this.origin = origin;
        this.spaceId = spaceId;
        this.webSocket = webSocket;
        for (InetAddress source : sources) {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(15));
            clients.add((source.isAnyLocalAddress() ? b : b.localAddress(source)).build());
        }
    }

    /**
     * Joins as listener {@code n}; completes with where to listen (ws:// or http://, ticket included)
     * once admitted, or exceptionally with {@link Refused}.
     */
    CompletableFuture<Admitted> join(int n) {
        return ask(n, Map.of("tier", webSocket ? "websocket" : "http"), null, 0, 0);
    }

    private CompletableFuture<Admitted> ask(int n, Map<String, String> body, String proof, int waits, int proofs) {
        HttpRequest.Builder req = HttpRequest.newBuilder(origin.resolve("/api/v1/spaces/" + spaceId + "/join"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (proof != null) {
            req.header(ProofOfWork.HEADER, proof);
        }
        HttpClient http = clients.get(n % clients.size());
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray()).thenCompose(r -> {
            JsonNode json = r.body().length == 0 ? Json.MAPPER.nullNode() : Json.read(r.body(), JsonNode.class);
            if (r.statusCode() == 200 && "admitted".equals(json.path("state").asText())) {
                return CompletableFuture.completedFuture(new Admitted(listenUrl(json), waits, proofs));
            }
            if (r.statusCode() == 202) { // the waiting room: ask again with our place when told to
                long after = r.headers().firstValueAsLong("Retry-After").orElse(1);
                Map<String, String> again = Map.of("place", json.path("place").asText());
                return CompletableFuture.supplyAsync(() -> again,
                        CompletableFuture.delayedExecutor(after, TimeUnit.SECONDS)).thenCompose(b -> ask(n, b, null, waits + 1, proofs));
            }
            if (r.statusCode() == 428 && proofs < 3) { // a stale or too easy proof gets another chance
                return solveChallenge(http).thenCompose(p -> ask(n, body, p, waits, proofs + 1));
            }
            String code = json.path("error").asText(json.path("state").asText(""));
            return CompletableFuture.failedFuture(new Refused("join: " + r.statusCode() + " " + code));
        });
    }

    /** Fetches a challenge and solves it, as the web app does (PROTOCOL.md "Proof-of-work"). */
    private CompletableFuture<String> solveChallenge(HttpClient http) {
        HttpRequest get = HttpRequest.newBuilder(origin.resolve("/api/v1/guard/challenge")).timeout(Duration.ofSeconds(30)).build();
        return http.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray()).thenApplyAsync(r -> {
            JsonNode c = Json.read(r.body(), JsonNode.class);
            String challenge = c.path("challenge").asText();
            return challenge + ":" + ProofOfWork.solve(challenge, c.path("difficulty").asInt());
        }, task -> Thread.ofVirtual().start(task));
    }

    /** The admitted answer's URL for our tier, made absolute against the origin (and ws:// for a WebSocket). */
    private URI listenUrl(JsonNode admitted) {
        if (webSocket && !"websocket".equals(admitted.path("tier").asText("websocket"))) {
            // Step 1 of the ladder: counted as not admitted to the tier measured, with the guard's reason.
            throw new Refused("join: moved to the HTTP tier (" + admitted.path("reason").asText() + ")");
        }
        URI u = origin.resolve(admitted.path(webSocket ? "listen" : "ogg").asText());
        return webSocket ? URI.create(u.toString().replaceFirst("^http", "ws")) : u;
    }

    @Override
    public void close() {
        clients.forEach(HttpClient::shutdownNow);
    }
}
