package io.stentor.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The append-only, hash-chained log of trust &amp; safety actions. Entry {@code n} stores
 * SHA-256(hash of entry n-1, n, time, actor, action, subject, details); the first entry chains to
 * 64 zeros. {@link #verify} recomputes the chain: an edited, deleted or reordered entry breaks it.
 * Appends are serialised in this process and guarded by the primary key across processes.
 */
public final class AuditLog {

    static final String GENESIS = "0".repeat(64);
    /** One lock for every AuditLog of the process: features may each hold their own instance. */
    private static final Object APPENDS = new Object();

    /** The outcome of a verification: intact with {@code entries}, or broken at {@code brokenAt} and why. */
    public record Verdict(boolean intact, long entries, long brokenAt, String problem) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Appends an entry; {@code actor} is a user id (null for the public, e.g. an anonymous notifier). */
    public void append(String actor, String action, String subject, String details) {
        synchronized (APPENDS) {
            appendNow(actor, action, subject, details);
        }
    }

    private void appendNow(String actor, String action, String subject, String details) {
        // Microseconds: what every database stores exactly, so the hash recomputes from what is read back.
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        jdbi.useTransaction(h -> {
            Optional<Object[]> last = h.createQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .map((rs, ctx) -> new Object[] {rs.getLong("seq"), rs.getString("hash")}).findOne();
            long seq = last.map(l -> (Long) l[0] + 1).orElse(1L);
            String prev = last.map(l -> (String) l[1]).orElse(GENESIS);
            h.createUpdate("""
                    INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
                    VALUES (:seq, :at, :actor, :action, :subject, :details, :prev, :hash)""")
                    .bind("seq", seq).bind("at", Timestamp.from(at)).bind("actor", actor).bind("action", action)
                    .bind("subject", subject).bind("details", details).bind("prev", prev)
                    .bind("hash", hash(prev, seq, at, actor, action, subject, details)).execute();
        });
    }

    /** Walks the whole chain from the first entry. */
    public Verdict verify() {
        return jdbi.withHandle(h -> {
            long[] expected = {1};
            String[] prev = {GENESIS};
            Verdict[] broken = {null};
            h.createQuery("SELECT * FROM audit_log ORDER BY seq").map((rs, ctx) -> {
                if (broken[0] != null) {
                    return 0;
                }
                long seq = rs.getLong("seq");
                String problem = null;
                if (seq != expected[0]) {
                    problem = "entry " + expected[0] + " is missing";
                } else if (!rs.getString("prev_hash").equals(prev[0])) {
                    problem = "does not follow the entry before it";
                } else if (!rs.getString("hash").equals(hash(prev[0], seq, rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("subject"), rs.getString("details")))) {
                    problem = "was changed after it was written";
                }
                if (problem != null) {
                    broken[0] = new Verdict(false, expected[0] - 1, seq, problem);
                }
                prev[0] = rs.getString("hash");
                expected[0] = seq + 1;
                return 0;
            }).forEach(x -> { });
            return broken[0] != null ? broken[0] : new Verdict(true, expected[0] - 1, 0, null);
        });
    }

    static String hash(String prev, long seq, Instant at, String actor, String action, String subject, String details) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {prev, Long.toString(seq), at.toString(), String.valueOf(actor), action,
                    String.valueOf(subject), details}) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                d.update((byte) (b.length >>> 24));
                d.update((byte) (b.length >>> 16));
                d.update((byte) (b.length >>> 8));
                d.update((byte) b.length); // length-prefixed: no two different entries hash alike
                d.update(b);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
