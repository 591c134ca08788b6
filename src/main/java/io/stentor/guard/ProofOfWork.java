package io.stentor.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.config.StentorConfig;
import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Proof-of-work that the node may ask of logins and joins while it is loaded, so that a flood
 * pays in client CPU before it costs server CPU. {@code GET /api/v1/guard/challenge} hands out a
 * stateless challenge (a random nonce, an expiry and a difficulty, signed with the node's
 * {@link SigningKey}); the client finds a counter such that SHA-256({@code challenge:counter}) starts
 * with {@code difficulty} zero bits and sends {@code Stentor-Proof: challenge:counter}. Checking a
 * proof costs one HMAC and one SHA-256; each challenge is accepted once (a bounded cache remembers
 * used ones until they expire). See docs/PROTOCOL.md. Thread-safe.
 *
 * <pre>{@code
 * ProofOfWork pow = new ProofOfWork(cfg.guard(), key, loadMonitor::state, clock, registry);
 * router.post("/api/v1/spaces/{id}/join", req -> { pow.require(req); return join(req); });
 * }</pre>
 */
public final class ProofOfWork {

    /** The request header carrying a solution. */
    public static final String HEADER = "Stentor-Proof";

    /** What {@code GET /api/v1/guard/challenge} answers. */
    public record Challenge(String challenge, int difficulty, Instant expiresAt) {
    }

    private static final String PURPOSE = "proof-of-work";
    private static final String VERSION = "1";
    private static final int MAX_PROOF_LENGTH = 200;

    private final StentorConfig.Guard.ProofOfWork cfg;
    private final Exemptions exempt;
    private final SigningKey key;
    private final Supplier<GuardState> state;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Challenges already used, kept until they expire (after that they are refused as expired). */
    private final Cache<String, Boolean> used;
    private final Counter refused;

    public ProofOfWork(StentorConfig.Guard guard, SigningKey key, Supplier<GuardState> state, Clock clock,
            MeterRegistry registry) {
        this.cfg = guard.proofOfWork();
        this.exempt = new Exemptions(guard.exempt());
        this.key = key;
        this.state = state;
        this.clock = clock;
        this.used = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cfg.challengeTtl()).build();
        this.refused = Refusals.counter(registry, "proof_of_work");
    }

    public void register(Router r) {
        r.get("/api/v1/guard/challenge", req -> ApiResponse.ok(issue()));
    }

    /** Whether a proof is needed now, by {@code guard.proof-of-work} and the node's state. */
    public boolean required() {
        return switch (cfg.mode()) {
            case "off" -> false;
            case "always" -> true;
            default -> state.get() != GuardState.NORMAL;
        };
    }

    /** Leading zero bits asked for now; a challenge issued while the node is normal gets the constrained level. */
    public int difficulty() {
        return state.get() == GuardState.CRITICAL ? cfg.bitsCritical() : cfg.bitsConstrained();
    }

    /** A fresh challenge at today's difficulty. */
    public Challenge issue() {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        int bits = difficulty();
        Instant expires = clock.instant().plus(cfg.challengeTtl());
        String data = VERSION + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "."
                + expires.getEpochSecond() + "." + bits;
        return new Challenge(data + "." + key.sign(PURPOSE, data), bits, Instant.ofEpochSecond(expires.getEpochSecond()));
    }

    /**
     * Lets the request through when no proof is needed now (or its client is exempt) or when it
     * carries a valid, unused one; otherwise throws 428 {@code proof_of_work_required} (none sent)
     * or {@code proof_of_work_invalid}. Call first thing in a handler, before any costly work.
     */
    public void require(ApiRequest req) {
        if (!required() || exempt.contains(req.remoteAddress().getAddress())) {
            return;
        }
        String proof = req.header(HEADER).orElse(null);
        if (proof == null) {
            refused.increment();
            throw new StentorException(StentorException.Kind.PRECONDITION_REQUIRED, "proof_of_work_required",
                    "The server is busy: solve a challenge from GET /api/v1/guard/challenge and send it in "
                            + HEADER + ".");
        }
        String problem = check(proof);
        if (problem != null) {
            refused.increment();
            throw new StentorException(StentorException.Kind.PRECONDITION_REQUIRED, "proof_of_work_invalid",
                    problem + " Get a new challenge from GET /api/v1/guard/challenge.");
        }
    }

    /** Null when {@code proof} is a valid solution used for the first time; else what is wrong with it. */
    String check(String proof) {
        int colon = proof.lastIndexOf(':');
        if (proof.length() > MAX_PROOF_LENGTH || colon < 0) {
            return "The proof is not 'challenge:counter'.";
        }
        String challenge = proof.substring(0, colon);
        String counter = proof.substring(colon + 1);
        String[] p = challenge.split("\\.", -1);
        if (counter.isEmpty() || counter.length() > 16 || !counter.chars().allMatch(c -> c >= '0' && c <= '9')
                || p.length != 5 || !p[0].equals(VERSION) || !digits(p[2]) || !digits(p[3])) {
            return "The proof is not 'challenge:counter'.";
        }
        if (!key.verify(PURPOSE, challenge.substring(0, challenge.lastIndexOf('.')), p[4])) {
            return "The challenge was not issued by this server.";
        }
        if (Long.parseLong(p[2]) <= clock.instant().getEpochSecond()) {
            return "The challenge has expired.";
        }
        int bits = Integer.parseInt(p[3]);
        if (bits < difficulty()) {
            return "The server now asks for more work than this challenge did.";
        }
        if (!solves(proof, bits)) {
            return "The counter does not solve the challenge.";
        }
        if (used.asMap().putIfAbsent(challenge, Boolean.TRUE) != null) {
            return "This challenge has been used already.";
        }
        return null;
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 12 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** True when SHA-256 of {@code proof} ({@code challenge:counter}) starts with {@code bits} zero bits. */
    static boolean solves(String proof, int bits) {
        byte[] h = sha256().digest(proof.getBytes(StandardCharsets.UTF_8));
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (h[i] != 0) {
                return false;
            }
        }
        int rest = bits % 8;
        return rest == 0 || (h[full] & 0xff) >>> (8 - rest) == 0;
    }

    /** Finds the smallest counter solving {@code challenge} at {@code bits}, as a client would. */
    public static long solve(String challenge, int bits) {
        for (long n = 0; ; n++) {
            if (solves(challenge + ":" + n, bits)) {
                return n;
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
