package io.stentor.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A WebSocket client that records every JSON message it receives, for asserting on live events. */
public final class EventsClient implements AutoCloseable {

    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final List<Long> arrivalNanos = new CopyOnWriteArrayList<>(); // System.nanoTime() of each message, same order
    private final WebSocket socket;
    private volatile boolean closed;
    private volatile int closeCode;

    public EventsClient(String httpBase, String path, String bearerToken) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        StringBuilder partial = new StringBuilder();
        this.socket = b.buildAsync(URI.create(httpBase.replace("http://", "ws://") + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode message = Api.JSON.readTree(partial.toString());
                        arrivalNanos.add(System.nanoTime());
                        messages.add(message);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closeCode = statusCode;
                closed = true;
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed = true;
            }
        }).join();
    }

    public List<JsonNode> messages() {
        return messages;
    }

    /** When each message of {@code type} arrived ({@link System#nanoTime()}), in order. */
    public List<Long> arrivalsOf(String type) {
        List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).path("type").asText().equals(type)) {
                out.add(arrivalNanos.get(i));
            }
        }
        return out;
    }

    /** Waits (up to 5 s) for a message matching the predicate and returns it. */
    public JsonNode await(String description, Predicate<JsonNode> p) {
        Awaitility.await(description).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> messages.stream().anyMatch(p));
        return messages.stream().filter(p).findFirst().orElseThrow();
    }

    public JsonNode awaitType(String type, Predicate<JsonNode> p) {
        return await("a '" + type + "' event", m -> m.path("type").asText().equals(type) && p.test(m));
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
