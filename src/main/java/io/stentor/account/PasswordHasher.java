package io.stentor.account;

import io.stentor.error.StentorException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing in the standard PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}). Each hash costs tens of milliseconds and
 * megabytes of memory on purpose, so at most {@code concurrency} run at once and the rest wait:
 * a login flood queues here instead of exhausting CPU and heap. Thread-safe.
 */
public final class PasswordHasher {

    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 256;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final Semaphore permits;
    private final AtomicLong computed = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    /** Hash of a random password, verified against when a handle does not exist, so timing does not tell. */
    private final String decoy;

    public PasswordHasher(int memoryKib, int iterations, int concurrency) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.permits = new Semaphore(concurrency, true);
        this.decoy = hash("decoy-" + random.nextLong());
    }

    /** Rejects passwords that are too short or too long (long ones would cost hashing time). */
    public static void validate(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
            throw StentorException.badRequest("invalid_password", "A password has " + MIN_PASSWORD_LENGTH
                    + " to " + MAX_PASSWORD_LENGTH + " characters.");
        }
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(out);
    }

    /** True when {@code password} matches {@code encoded}; a null {@code encoded} burns the same time and fails. */
    public boolean verify(String password, String encoded) {
        if (encoded == null) {
            verify(password, decoy);
            return false;
        }
        String[] parts = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return false;
        }
        int m = 0;
        int t = 0;
        for (String kv : parts[3].split(",")) {
            if (kv.startsWith("m=")) {
                m = Integer.parseInt(kv.substring(2));
            } else if (kv.startsWith("t=")) {
                t = Integer.parseInt(kv.substring(2));
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, salt, m, t, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Argon2 computations so far (hashes, verifications and decoys): what logins cost this node. */
    public long computed() {
        return computed.get();
    }

    private byte[] derive(String password, byte[] salt, int m, int t, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(1).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        permits.acquireUninterruptibly();
        computed.incrementAndGet();
        try {
            gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            permits.release();
        }
        return out;
    }
}
