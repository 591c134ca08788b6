package io.stentor.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A speaker's media WebSocket ({@code /api/v1/spaces/{id}/speak}), sending one 20 ms Opus packet
 * per 20 ms on absolute deadlines (no drift, however long it runs). Used by {@code stentor speak}
 * and by {@code stentor loadtest --speak-token}. One thread streams; others may read the counters.
 */
final class SpeakerConnection implements AutoCloseable {

    /** One 20 ms Opus packet after another; empty when the source has ended. */
    interface PacketSource {
        Optional<byte[]> next() throws java.io.IOException;
    }

    private final WebSocket ws;
    private final AtomicLong received = new AtomicLong();
    private final CompletableFuture<String> closed;
    private int sequence;

    private SpeakerConnection(WebSocket ws, CompletableFuture<String> closed) {
        this.ws = ws;
        this.closed = closed;
    }

    static SpeakerConnection open(String server, String space, String token, Consumer<String> onText) {
        URI uri = URI.create(server.replaceAll("/+$", "").replaceFirst("^http", "ws") + "/api/v1/spaces/" + space + "/speak");
        CompletableFuture<String> closed = new CompletableFuture<>();
        AtomicLong[] counter = {null};
        SpeakerConnection[] self = {null};
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            if (self[0] != null) {
                                self[0].received.incrementAndGet(); // another speaker's forwarded packet
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            onText.accept(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(code + " " + reason);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.complete("error: " + error.getMessage());
                        }
                    }).join();
            self[0] = new SpeakerConnection(ws, closed);
            return self[0];
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot connect to " + uri + ": " + rootMessage(e)
                    + " (is the space live and are you on its stage?)");
        }
    }

    /** Streams up to {@code frames} packets in real time; stops early when the source ends, the server closes, or {@code stop} says so. */
    int stream(PacketSource packets, long frames, BooleanSupplier stop) throws java.io.IOException {
        long start = System.nanoTime();
        int sent = 0;
        for (long i = 0; i < frames && !closed.isDone() && !stop.getAsBoolean(); i++) {
            Optional<byte[]> p = packets.next();
            if (p.isEmpty()) {
                break;
            }
            long wait = start + i * 20_000_000L - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            ws.sendBinary(message(sequence++, System.currentTimeMillis() * 1000, p.get()), true).join();
            sent++;
        }
        return sent;
    }

    long received() {
        return received.get();
    }

    /** How the server closed the connection ("1000 the space has ended"), if it did. */
    Optional<String> closedBy() {
        return closed.isDone() ? Optional.of(closed.join()) : Optional.empty();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }

    /** The speaker message of docs/PROTOCOL.md: 16-byte header, then the Opus packet. */
    static ByteBuffer message(int seq, long captureMicros, byte[] opus) {
        ByteBuffer b = ByteBuffer.allocate(16 + opus.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 1).put((byte) 0).putShort((short) 0).putInt(seq).putLong(captureMicros).put(opus);
        return b.flip();
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
