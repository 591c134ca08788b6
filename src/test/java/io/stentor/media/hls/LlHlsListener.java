package io.stentor.media.hls;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated LL-HLS player, as hls.js behaves in low-latency mode: loads the playlist and the init
 * segment, then over and over fetches the hinted next part and asks for the playlist that lists it
 * (blocking reload). Counts its requests and the media bytes it got. Runs on its own virtual
 * thread; the counters may be read from any thread.
 */
final class LlHlsListener implements AutoCloseable {

    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(([^\"]+)-(\\d+)\\.(\\d+)\\.m4s)\"");

    final AtomicLong requests = new AtomicLong();
    final AtomicLong parts = new AtomicLong();
    final AtomicLong mediaBytes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final HttpClient http;
    private final String base;
    private final Thread thread;

    /** Starts listening at {@code base} (ending in {@code /hls/}). */
    LlHlsListener(HttpClient http, String base) {
        this.http = http;
        this.base = base;
        this.thread = Thread.ofVirtual().start(this::run);
    }

    private void run() {
        String playlist = null;
        while (!stop.get()) {
            try {
                if (playlist == null) {
                    playlist = fetch("index.m3u8").body();
                    mediaBytes.addAndGet(fetch("init.mp4").body().length());
                }
                Matcher hint = HINT.matcher(playlist);
                if (!hint.find()) {
                    return; // the stream ended
                }
                HttpResponse<String> part = fetch(hint.group(1));
                if (part.statusCode() == 200) {
                    parts.incrementAndGet();
                    mediaBytes.addAndGet(part.body().length());
                }
                HttpResponse<String> next = fetch("index.m3u8?_HLS_msn=" + hint.group(3) + "&_HLS_part=" + hint.group(4));
                playlist = next.statusCode() == 200 ? next.body() : null;
            } catch (Exception e) {
                failures.incrementAndGet();
                playlist = null;
                if (e instanceof InterruptedException) {
                    return;
                }
            }
        }
    }

    private HttpResponse<String> fetch(String path) throws Exception {
        requests.incrementAndGet();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .build(), HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
        if (r.statusCode() != 200) {
            failures.incrementAndGet();
        }
        return r;
    }

    @Override
    public void close() {
        stop.set(true);
        thread.interrupt();
    }
}
