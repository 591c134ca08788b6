package io.stentor.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listener with the reconnect policy a cluster's clients need: join at the origin, listen where
 * the answer says (an edge's absolute URL); when that connection drops, wait a jittered 100–300 ms,
 * join again (presenting the old ticket, so it counts as returning), honouring {@code Retry-After}
 * when told to wait, and listen on wherever it is sent now. Records every frame with the node that
 * sent it.
 */
public final class ReconnectingListener implements AutoCloseable {

    /** One received frame, and the base URL of the node it came from. */
    public record Frame(int sequence, byte[] opus, String node, long receivedNanos) {
    }

    private final Api origin;
    private final String spaceId;
    private final String listenerId = "it" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> nodes = new CopyOnWriteArrayList<>();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile boolean stopped;
    private volatile WebSocket current;
    private volatile CompletableFuture<Void> currentGone = new CompletableFuture<>();
    private String ticket;

    public ReconnectingListener(Api origin, String spaceId) {
        this.origin = origin;
        this.spaceId = spaceId;
        this.loop = Thread.ofPlatform().daemon().name("listener-" + listenerId).start(this::run);
    }

    private void run() {
        while (!stopped) {
            try {
                String url = join();
                if (url != null) {
                    CompletableFuture<Void> gone = new CompletableFuture<>();
                    currentGone = gone;
                    String node = url.substring(0, url.indexOf("/api/"));
                    current = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                            .buildAsync(URI.create(url.replaceFirst("^http", "ws")), handler(node, gone)).join();
                    nodes.add(node);
                    gone.join(); // until this connection ends, for whatever reason
                }
            } catch (RuntimeException dropped) {
                // connect refused, reset, or a failed join: try again below
            }
            if (!stopped) {
                NodeProcess.sleep(ThreadLocalRandom.current().nextLong(100, 300));
            }
        }
    }

    /** The absolute listen URL of a fresh ticket, or null after waiting out a Retry-After. */
    private String join() {
        Map<String, Object> body = new HashMap<>(Map.of("listener", listenerId));
        if (ticket != null) {
            body.put("ticket", ticket);
        }
        Api.Res r = origin.post("/api/v1/spaces/" + spaceId + "/join", body);
        if (r.status() != 200) {
            String after = r.header("Retry-After");
            NodeProcess.sleep(after == null ? 500 : Long.parseLong(after) * 1000);
            return null;
        }
        JsonNode j = r.json();
        ticket = j.get("ticket").asText();
        String listen = j.get("listen").asText();
        return listen.startsWith("http") ? listen : origin.base() + listen;
    }

    private WebSocket.Listener handler(String node, CompletableFuture<Void> gone) {
        ByteBuffer[] partial = {ByteBuffer.allocate(0)};
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                ByteBuffer all = ByteBuffer.allocate(partial[0].remaining() + data.remaining());
                all.put(partial[0]).put(data).flip();
                if (last) {
                    all.order(ByteOrder.BIG_ENDIAN);
                    byte[] opus = new byte[all.remaining() - 16];
                    all.get(16, opus);
                    frames.add(new Frame(all.getInt(4), opus, node, System.nanoTime()));
                    partial[0] = ByteBuffer.allocate(0);
                } else {
                    partial[0] = all;
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closeCodes.add(statusCode);
                gone.complete(null);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                gone.complete(null);
            }
        };
    }

    public List<Frame> frames() {
        return frames;
    }

    /** The close codes its connections were closed with by the server, in order. */
    public List<Integer> closeCodes() {
        return closeCodes;
    }

    /** The nodes this listener has been connected to, in order. */
    public List<String> nodes() {
        return nodes;
    }

    /** The node of the current (or last) connection. */
    public String node() {
        return nodes.isEmpty() ? null : nodes.get(nodes.size() - 1);
    }

    @Override
    public void close() {
        stopped = true;
        currentGone.complete(null);
        WebSocket ws = current;
        if (ws != null) {
            ws.abort();
        }
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
