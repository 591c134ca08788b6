package io.stentor.safety;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to the Transparency Database: {@code POST {base}/api/v1/statements} with
 * {@code {"statements": [...]}} (1-100) and a Bearer token. 201: all accepted. 422: the batch is
 * retried one statement at a time, and a statement refused for a duplicate puid counts as
 * accepted (it was sent before a crash), any other refusal is kept as rejected with its reason.
 * 429 or a failure: wait (Retry-After, or doubling up to 5 minutes) and try again. Off unless
 * {@code safety.tdb-url} is set.
 */
public final class TdbSubmitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TdbSubmitter.class);
    private static final long MAX_BACKOFF_MS = 300_000;

    private final TdbOutbox outbox;
    private final URI endpoint;
    private final String token;
    private final long intervalMs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tdb-submitter");
        t.setDaemon(true);
        return t;
    });
    private long backoffMs;

    public TdbSubmitter(TdbOutbox outbox, String baseUrl, String token, Duration interval) {
        this.outbox = outbox;
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/api/v1/statements");
        this.token = token;
        this.intervalMs = interval.toMillis();
        timer.schedule(this::round, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void round() {
        long next = intervalMs;
        try {
            next = submitPending();
        } catch (RuntimeException e) {
            LOG.warn("submitting statements to the Transparency Database failed", e);
        } finally {
            if (!timer.isShutdown()) {
                timer.schedule(this::round, next, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** One round: batches until the outbox is empty or the database asks us to wait; returns the wait. */
    long submitPending() {
        List<TdbOutbox.Entry> batch;
        while (!(batch = outbox.pending(100)).isEmpty()) {
            HttpResponse<String> res = post(batch);
            if (res == null || res.statusCode() == 429 || res.statusCode() >= 500) {
                backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(intervalMs, backoffMs * 2));
                long retryAfter = res == null ? 0 : res.headers().firstValue("Retry-After").map(TdbSubmitter::seconds).orElse(0L) * 1000;
                return Math.max(retryAfter, backoffMs);
            }
            backoffMs = 0;
            if (res.statusCode() == 201 || res.statusCode() == 200) {
                outbox.submitted(batch.stream().map(TdbOutbox.Entry::puid).toList());
            } else if (res.statusCode() == 422 && batch.size() > 1) {
                for (TdbOutbox.Entry e : batch) { // find the one(s) refused
                    HttpResponse<String> one = post(List.of(e));
                    if (one == null || one.statusCode() == 429) {
                        return Math.max(intervalMs, 1000);
                    }
                    settle(e, one);
                }
            } else {
                settle(batch.getFirst(), res);
            }
        }
        return intervalMs;
    }

    private void settle(TdbOutbox.Entry e, HttpResponse<String> res) {
        if (res.statusCode() == 201 || res.statusCode() == 200 || (res.statusCode() == 422 && duplicate(res.body()))) {
            outbox.submitted(List.of(e.puid()));
        } else {
            outbox.rejected(e.puid(), res.statusCode() + " " + res.body());
            LOG.warn("the Transparency Database refused statement {}: {} {}", e.puid(), res.statusCode(), res.body());
        }
    }

    /**
     * Whether a 422 says only that the puid is taken (we sent it before, then crashed before marking
     * it): {"errors": {"puid": [...]}} from the single endpoint, {"errors": {"statement_0": {"puid":
     * [...]}}} from the batch one, with no other field in error.
     */
    static boolean duplicate(String body) {
        try {
            var errors = io.stentor.server.Json.MAPPER.readTree(body).path("errors");
            var fields = errors.has("statement_0") ? errors.path("statement_0") : errors;
            return fields.size() == 1 && fields.has("puid");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private HttpResponse<String> post(List<TdbOutbox.Entry> batch) {
        String body = "{\"statements\":[" + String.join(",", batch.stream().map(TdbOutbox.Entry::json).toList()) + "]}";
        try {
            return http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            LOG.warn("the Transparency Database is unreachable: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long seconds(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
