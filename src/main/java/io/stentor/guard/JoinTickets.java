package io.stentor.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.error.StentorException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks join tickets: {@code base64url(payload) "." base64url(HMAC-SHA256(payload)[0..16])}.
 * The media endpoints check a ticket without the database: a size check, one HMAC, a parse, the
 * space and the expiry. A ticket holds one connection at a time; a second connection with a
 * ticket in use is a replay and is refused, while a reconnect after the first one closed is fine.
 * Thread-safe.
 */
public final class JoinTickets {

    /** Longest ticket accepted: anything longer is refused before any hashing. */
    static final int MAX_CHARS = 400;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Why a ticket was refused, for the metrics. */
    enum Rejection { INVALID, EXPIRED, WRONG_SPACE, IN_USE }

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final Clock clock;
    private final long ttlSeconds;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Boolean> inUse = new ConcurrentHashMap<>();
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

    public JoinTickets(byte[] secret, long ttlSeconds, Clock clock, MeterRegistry registry) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
        for (Rejection r : Rejection.values()) {
            rejected.put(r, Counter.builder("stentor.tickets.rejected").tag("reason", r.name().toLowerCase(Locale.ROOT))
                    .description("Join tickets refused by the media endpoints").register(registry));
        }
    }

    /** A fresh ticket for {@code subject} (a user id, or {@code anon:...}) valid for the configured time. */
    public String issue(String spaceId, String subject, Tier tier, Priority priority) {
        byte[] n = new byte[9];
        random.nextBytes(n);
        long expires = clock.instant().getEpochSecond() + ttlSeconds;
        String payload = String.join("|", "1", spaceId, subject, tier.label(), priority.label(), Long.toString(expires),
                B64.encodeToString(n));
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** The ticket's contents if it is authentic, for this space and not expired; otherwise a 401 or 403. */
    public JoinTicket verify(String token, String spaceId) {
        JoinTicket t = authentic(token);
        if (t == null) {
            throw refuse(Rejection.INVALID);
        }
        if (!t.spaceId().equals(spaceId)) {
            throw refuse(Rejection.WRONG_SPACE);
        }
        if (t.expiresAt() < clock.instant().getEpochSecond()) {
            throw refuse(Rejection.EXPIRED);
        }
        return t;
    }

    /**
     * The ticket's contents if it is authentic, whatever its expiry (a returning listener's old
     * ticket proves they were admitted); null if it is malformed or forged.
     */
    public JoinTicket authentic(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || token.length() > MAX_CHARS || token.indexOf('.', dot + 1) >= 0) {
            return null;
        }
        String body = token.substring(0, dot);
        byte[] sig;
        try {
            sig = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] expected = mac(body);
        if (!MessageDigest.isEqual(sig, expected)) {
            return null;
        }
        // Authentic, so well-formed: we wrote it.
        String[] f = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
        if (f.length != 7 || !f[0].equals("1")) {
            return null;
        }
        return new JoinTicket(f[1], f[2], Tier.parse(f[3]), Priority.valueOf(f[4].toUpperCase(Locale.ROOT)),
                Long.parseLong(f[5]), f[6]);
    }

    /** Marks the ticket as holding a connection; a second connection on it is a replay (409). */
    public void claim(JoinTicket t) {
        if (inUse.putIfAbsent(t.nonce(), Boolean.TRUE) != null) {
            throw refuse(Rejection.IN_USE);
        }
    }

    /** The ticket's connection closed: it may be used again (a reconnect) until it expires. */
    public void release(JoinTicket t) {
        inUse.remove(t.nonce());
    }

    private StentorException refuse(Rejection r) {
        rejected.get(r).increment();
        return switch (r) {
            case EXPIRED -> new StentorException(StentorException.Kind.UNAUTHORIZED, "ticket_expired",
                    "This join ticket has expired; join the space again.");
            case WRONG_SPACE -> StentorException.forbidden("ticket_wrong_space", "This join ticket is for another space.");
            case IN_USE -> StentorException.conflict("ticket_in_use",
                    "This join ticket is already listening on another connection; join the space again for a new one.");
            default -> new StentorException(StentorException.Kind.UNAUTHORIZED, "ticket_invalid",
                    "This join ticket is not valid; join the space again.");
        };
    }

    private byte[] mac(String body) {
        Mac m = macs.get();
        byte[] full = m.doFinal(body.getBytes(StandardCharsets.ISO_8859_1));
        return java.util.Arrays.copyOf(full, MAC_BYTES);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
