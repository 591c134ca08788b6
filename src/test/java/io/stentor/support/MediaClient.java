package io.stentor.support;

import io.stentor.media.codec.OpusCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A media WebSocket client for tests: as a speaker it sends a tone in real time (optionally
 * dropping or reordering packets); as a listener (or speaker) it records every media message it
 * receives, which tests decode and analyse.
 */
public final class MediaClient implements AutoCloseable {

    /** One received media message. */
    public record Received(int source, int sequence, long captureMicros, byte[] opus, long receivedNanos) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<Received> sentFrames = new CopyOnWriteArrayList<>();
    private final WebSocket ws;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong sentLate = new java.util.concurrent.atomic.AtomicLong();
    private volatile int closeCode = -1;
    private volatile long captureClockOffsetMicros;
    private Thread sender;

    private MediaClient(String url, String token) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        ByteBuffer[] partial = {ByteBuffer.allocate(0)};
        ws = b.buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                ByteBuffer all = ByteBuffer.allocate(partial[0].remaining() + data.remaining());
                all.put(partial[0]).put(data).flip();
                if (last) {
                    all.order(ByteOrder.BIG_ENDIAN);
                    int source = all.get(1) & 0xff;
                    int seq = all.getInt(4);
                    long capture = all.getLong(8);
                    byte[] opus = new byte[all.remaining() - 16];
                    all.position(16);
                    all.get(opus);
                    received.add(new Received(source, seq, capture, opus, System.nanoTime()));
                    partial[0] = ByteBuffer.allocate(0);
                } else {
                    partial[0] = all;
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                texts.add(data.toString());
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closeCode = statusCode;
                return null;
            }
        }).join();
    }

    public static MediaClient listener(TestServer ts, String spaceId) {
        return new MediaClient(ts.baseUrl().replace("http", "ws") + "/api/v1/spaces/" + spaceId + "/listen", null);
    }

    /** An anonymous listener that names itself (?listener=ID), as a browser tab does. */
    public static MediaClient listenerAs(TestServer ts, String spaceId, String listenerId) {
        return new MediaClient(ts.baseUrl().replace("http", "ws") + "/api/v1/spaces/" + spaceId + "/listen?listener="
                + listenerId, null);
    }

    /** A listener on a path the server handed out (e.g. the {@code listen} path of a join ticket). */
    public static MediaClient listenerAt(String baseUrl, String path) {
        return new MediaClient(baseUrl.replace("http", "ws") + path, null);
    }

    public static MediaClient speaker(TestServer ts, String spaceId, String token) {
        return speakerAt(ts.baseUrl(), spaceId, token);
    }

    public static MediaClient speakerAt(String baseUrl, String spaceId, String token) {
        return new MediaClient(baseUrl.replace("http", "ws") + "/api/v1/spaces/" + spaceId + "/speak", token);
    }

    /** Sends a tone in real time on a background thread until {@link #stopSending()}. */
    public MediaClient sendTone(double hz, double amplitude, Impairment impairment) {
        OpusCodec.Encoder enc = OpusCodec.select("auto").newEncoder(32_000);
        sender = Thread.ofPlatform().daemon().start(() -> {
            short[] pcm = new short[960];
            byte[] out = new byte[1275];
            double phase = 0;
            long start = System.nanoTime();
            ByteBuffer held = null;
            for (int seq = 0; !stop.get(); seq++) {
                for (int i = 0; i < 960; i++) {
                    pcm[i] = (short) (Math.sin(phase) * amplitude * 32767);
                    phase += 2 * Math.PI * hz / 48_000;
                }
                int n = enc.encode(pcm, out);
                ByteBuffer msg = ByteBuffer.allocate(16 + n).order(ByteOrder.BIG_ENDIAN);
                long capture = System.currentTimeMillis() * 1000 + captureClockOffsetMicros;
                msg.put((byte) 1).put((byte) 0).putShort((short) 0).putInt(seq).putLong(capture).put(out, 0, n).flip();
                long due = start + seq * 20_000_000L;
                LockSupport.parkNanos(due - System.nanoTime());
                try {
                    if (impairment.drop(seq)) {
                        continue;
                    }
                    if (impairment.swapWithNext(seq)) {
                        held = msg;
                        continue;
                    }
                    if (System.nanoTime() - due > 20_000_000L) {
                        sentLate.incrementAndGet(); // this client was stalled (a frame period or more behind its clock)
                    }
                    sentFrames.add(new Received(0, seq, capture, java.util.Arrays.copyOf(out, n), System.nanoTime()));
                    ws.sendBinary(msg, true).join();
                    sent.incrementAndGet();
                    if (held != null) {
                        ws.sendBinary(held, true).join();
                        held = null;
                    }
                } catch (RuntimeException closed) {
                    return;
                }
            }
            enc.close();
        });
        return this;
    }

    public MediaClient sendTone(double hz) {
        return sendTone(hz, 0.3, Impairment.NONE);
    }

    /** Stamps the frames {@link #sendTone} sends with a capture clock this far from this machine's (call before it). */
    public MediaClient captureClockOffset(Duration offset) {
        captureClockOffsetMicros = offset.toNanos() / 1000;
        return this;
    }

    /** The frames {@link #sendTone} sent in order (held-back reordered ones excepted), as the server should forward them. */
    public List<Received> sentFrames() {
        return sentFrames;
    }

    /** Sends raw bytes as one binary message (for malformed-input tests). */
    public void sendRaw(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /**
     * Starts sending raw bytes the server is expected to refuse mid-message (it may close the
     * connection before the client has written them all): the outcome is the close code, not this send.
     */
    public void sendRefused(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).exceptionally(e -> null);
    }

    /** Frames {@link #sendTone} sent more than 20 ms behind its own clock (the client, not the server, was late). */
    public long sentLate() {
        return sentLate.get();
    }

    /** Frames {@link #sendTone} has handed to the socket so far. */
    public long sent() {
        return sent.get();
    }

    public void stopSending() {
        stop.set(true);
        if (sender != null) {
            try {
                sender.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public List<Received> received() {
        return received;
    }

    public List<String> texts() {
        return texts;
    }

    public int closeCode() {
        return closeCode;
    }

    /** Decodes the received messages of one source, in arrival order, concealing gaps in sequence. */
    public short[] decode(int source, int fromIndex) {
        List<Received> frames = received.stream().filter(r -> r.source() == source).skip(fromIndex).toList();
        short[] pcm = new short[frames.size() * 960];
        try (OpusCodec.Decoder dec = OpusCodec.select("auto").newDecoder()) {
            short[] frame = new short[960];
            for (int i = 0; i < frames.size(); i++) {
                int n = dec.decode(frames.get(i).opus(), 0, frames.get(i).opus().length, frame);
                System.arraycopy(frame, 0, pcm, i * 960, n);
            }
        } catch (Exception e) {
            throw new AssertionError("could not decode what the server sent", e);
        }
        return pcm;
    }

    /** Drops the connection without a close frame, as a crashed client or a dead network does. */
    public void abort() {
        stopSending();
        ws.abort();
    }

    @Override
    public void close() {
        stopSending();
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        } catch (RuntimeException ignored) {
            // already closed
        }
        ws.abort();
    }

    /** Network trouble to simulate on the sending side. */
    public interface Impairment {
        Impairment NONE = new Impairment() {
        };

        default boolean drop(int seq) {
            return false;
        }

        default boolean swapWithNext(int seq) {
            return false;
        }
    }
}
