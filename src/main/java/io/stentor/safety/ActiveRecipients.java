package io.stentor.safety;

import io.stentor.guard.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts distinct active recipients per calendar month (UTC) for DSA Art 24(2): signed-in users
 * whenever they are recognised, and anonymous listeners and viewers by the id their client keeps
 * ({@code anon:...}). Stores no id: a row is HMAC-SHA256 of the id under a server key and a purpose
 * naming the month, cut to 128 bits, so nothing can be read back and one person's rows in two
 * months cannot be linked.
 *
 * <p>{@link #seen} is on the join path and may run on any thread, an event loop included: a
 * recipient already seen this month costs one lookup in an in-memory set; a new one costs one HMAC
 * and a queue append. A background thread writes the queue in batches each second, each row only
 * if absent, so a join storm is not a write storm and several nodes may count the same person.
 * The set is bounded ({@link #MAX_REMEMBERED}); when full it starts again, which costs repeated
 * (idempotent) writes, never a double count. Thread-safe.
 */
public final class ActiveRecipients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveRecipients.class);
    /** Recipients remembered in memory for the current month (about 100 bytes each). */
    static final int MAX_REMEMBERED = 250_000;
    private static final int MAX_QUEUED = 1_000_000;

    /** The month being counted, its end, and who was seen in it on this node. */
    private record Month(String key, long endMillis, Set<String> seen) {
    }

    private record Row(String month, String recipient) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final SigningKey key;
    private final ConcurrentLinkedQueue<Row> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ScheduledExecutorService writer;
    private volatile Month month;

    /** {@code key}: the same on every node (e.g. kept in the database), or counts would not add up. */
    public ActiveRecipients(Jdbi jdbi, SigningKey key, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.key = key;
        this.month = monthAt(clock.millis());
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stentor-recipients");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** Counts {@code recipient} (a user id, or {@code anon:} and the client's id) in this month. */
    public void seen(String recipient) {
        long now = clock.millis();
        Month m = month;
        if (now >= m.endMillis) {
            m = roll(now);
        }
        if (!m.seen.add(recipient)) {
            return; // the common case: seen already this month
        }
        if (m.seen.size() > MAX_REMEMBERED) {
            m.seen.clear();
            m.seen.add(recipient);
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            // The database is far behind: forget them rather than grow without bound; their next visit counts.
            queued.decrementAndGet();
            m.seen.remove(recipient);
            return;
        }
        queue.add(new Row(m.key(), hash(m.key(), recipient)));
    }

    /**
     * For the audience: counts anonymous listeners by their client's id; connection-only ids (no
     * stable client id) are not counted, signed-in users are counted when recognised.
     */
    public void seenAnonymous(String audienceKey) {
        if (audienceKey.startsWith("anon:")) {
            seen(audienceKey);
        }
    }

    private synchronized Month roll(long now) {
        if (now >= month.endMillis) {
            month = monthAt(now);
        }
        return month;
    }

    private static Month monthAt(long millis) {
        YearMonth ym = YearMonth.from(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
        long end = ym.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return new Month(ym.toString(), end, ConcurrentHashMap.newKeySet());
    }

    /** 128 bits (22 base64url characters) of the recipient's HMAC under this month's purpose. */
    private String hash(String monthKey, String recipient) {
        return key.sign("active-recipients " + monthKey, recipient).substring(0, 22);
    }

    /** Rows per transaction: a storm of first joins is written in steps, not one huge transaction. */
    private static final int CHUNK = 5_000;
    private static final String INSERT = "INSERT INTO active_recipients (month_key, recipient) SELECT :m, :r "
            + "FROM (VALUES (1)) AS one (x) WHERE NOT EXISTS "
            + "(SELECT 1 FROM active_recipients WHERE month_key = :m AND recipient = :r)";

    /**
     * Writes what is queued now (also called before a report is computed). If the database fails,
     * what was not written goes back in the queue for the next flush, and the failure is thrown.
     */
    public synchronized void flush() {
        List<Row> batch = new ArrayList<>();
        for (Row r = queue.poll(); r != null; r = queue.poll()) {
            queued.decrementAndGet();
            batch.add(r);
        }
        for (int from = 0; from < batch.size(); from += CHUNK) {
            List<Row> chunk = batch.subList(from, Math.min(batch.size(), from + CHUNK));
            try {
                write(chunk);
            } catch (RuntimeException e) {
                List<Row> unwritten = batch.subList(from, batch.size());
                queue.addAll(unwritten);
                queued.addAndGet(unwritten.size());
                throw e;
            }
        }
    }

    private void write(List<Row> chunk) {
        try {
            jdbi.useTransaction(h -> {
                var b = h.prepareBatch(INSERT);
                for (Row r : chunk) {
                    b.bind("m", r.month).bind("r", r.recipient).add();
                }
                b.execute();
            });
        } catch (RuntimeException e) {
            if (!duplicate(e)) {
                throw e;
            }
            // Another node wrote one of these meanwhile: one by one, each duplicate alone refused.
            jdbi.useHandle(h -> {
                for (Row r : chunk) {
                    try {
                        h.createUpdate(INSERT).bind("m", r.month).bind("r", r.recipient).execute();
                    } catch (RuntimeException raced) {
                        if (!duplicate(raced)) {
                            throw raced;
                        }
                    }
                }
            });
        }
    }

    /** A unique-key violation (SQLSTATE 23505 in H2 and PostgreSQL alike). */
    private static boolean duplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("could not store this month's active recipients; will retry", e);
        }
    }

    /** Distinct recipients in each month from {@code first} to {@code last}, months with none included. */
    public Map<YearMonth, Long> monthly(YearMonth first, YearMonth last) {
        flush();
        Map<YearMonth, Long> out = new LinkedHashMap<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            out.put(m, 0L);
        }
        jdbi.useHandle(h -> h.createQuery("SELECT month_key, COUNT(*) AS n FROM active_recipients "
                + "WHERE month_key >= :a AND month_key <= :b GROUP BY month_key")
                .bind("a", first.toString()).bind("b", last.toString())
                .map((rs, ctx) -> Map.entry(YearMonth.parse(rs.getString("month_key")), rs.getLong("n")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** Stops the writer and writes what is left. Never interrupts a write (H2 closes its file on an interrupt). */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
