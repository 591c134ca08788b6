package io.stentor.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated LL-HLS player, as hls.js behaves in low-latency mode: loads the playlist and the init
 * segment, then over and over fetches the hinted next part and asks for the playlist that lists it
 * (blocking reload). Counts its requests, parts and media bytes, and tells an observer of each part
 * when it arrived and how long after the end of its audio (from the playlist's program date-time,
 * on the server's clock: exact when server and player share a machine). Runs on its own virtual
 * thread; the counters may be read from any thread.
 */
public final class HlsPlayer implements AutoCloseable {

    /** Told of every part fetched, on the player's thread. */
    public interface Observer {
        /** {@code latencyMillis}: arrival minus the end of the part's audio; negative when unknown. */
        void part(long arrivalNanos, double seconds, double latencyMillis);

        /** A request that failed or was refused (not 200). */
        default void failed(String why) {
        }
    }

    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(([^\"]+)-(\\d+)\\.(\\d+)\\.m4s)\"");
    private static final Pattern DATE = Pattern.compile("#EXT-X-PROGRAM-DATE-TIME:(\\S+)");
    private static final Pattern SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
    private static final Pattern PART_TARGET = Pattern.compile("PART-TARGET=([0-9.]+)");
    private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong parts = new AtomicLong();
    private final AtomicLong mediaBytes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final HttpClient http;
    private final String base;
    private final Observer observer;
    private final Thread thread;

    /** Starts listening at {@code base} (ending in {@code /hls/}). */
    public HlsPlayer(HttpClient http, String base) {
        this(http, base, (arrival, seconds, latency) -> { });
    }

    public HlsPlayer(HttpClient http, String base, Observer observer) {
        this.http = http;
        this.base = base;
        this.observer = observer;
        this.thread = Thread.ofVirtual().name("hls-player").start(this::run);
    }

    private void run() {
        String playlist = null;
        while (!stop.get()) {
            try {
                if (playlist == null) {
                    HttpResponse<String> first = fetch("index.m3u8");
                    if (first.statusCode() != 200) {
                        Thread.sleep(500); // not live here (yet): as a player would, try again shortly
                        continue;
                    }
                    playlist = first.body();
                    mediaBytes.addAndGet(fetch("init.mp4").body().length());
                }
                Matcher hint = HINT.matcher(playlist);
                if (!hint.find()) {
                    return; // the stream ended
                }
                long msn = Long.parseLong(hint.group(3));
                int index = Integer.parseInt(hint.group(4));
                HttpResponse<String> part = fetch(hint.group(1));
                if (part.statusCode() == 200) {
                    long now = System.nanoTime();
                    parts.incrementAndGet();
                    mediaBytes.addAndGet(part.body().length());
                    observer.part(now, partSeconds(playlist), latencyMillis(playlist, msn, index));
                }
                HttpResponse<String> next = fetch("index.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + index);
                playlist = next.statusCode() == 200 ? next.body() : null;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures.incrementAndGet();
                observer.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                playlist = null;
            }
        }
    }

    /** Now minus the end of part {@code index} of segment {@code msn}, by the playlist's clock; -1 if it cannot tell. */
    private static double latencyMillis(String playlist, long msn, int index) {
        Matcher date = DATE.matcher(playlist);
        Matcher seq = SEQUENCE.matcher(playlist);
        Matcher segment = EXTINF.matcher(playlist);
        if (!date.find() || !seq.find()) {
            return -1;
        }
        double part = partSeconds(playlist);
        double segmentSeconds = segment.find() ? Double.parseDouble(segment.group(1)) : part * 4;
        double end = Instant.parse(date.group(1)).toEpochMilli()
                + ((msn - Long.parseLong(seq.group(1))) * segmentSeconds + (index + 1) * part) * 1000;
        return System.currentTimeMillis() - end;
    }

    private static double partSeconds(String playlist) {
        Matcher m = PART_TARGET.matcher(playlist);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.5;
    }

    private HttpResponse<String> fetch(String path) throws Exception {
        requests.incrementAndGet();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .build(), HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
        if (r.statusCode() != 200) {
            failures.incrementAndGet();
            observer.failed("HTTP " + r.statusCode() + " for " + path);
        }
        return r;
    }

    /** Requests sent so far (playlists, init, parts). */
    public long requests() {
        return requests.get();
    }

    /** Parts received so far. */
    public long parts() {
        return parts.get();
    }

    /** Requests that failed or were not answered 200. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        stop.set(true);
        thread.interrupt();
    }
}
