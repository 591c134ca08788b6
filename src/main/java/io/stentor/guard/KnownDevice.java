package io.stentor.guard;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The mark a successful login leaves in the browser (cookie {@code stentor_device}): the account's
 * handle, a random device id and an expiry, signed with the node's {@link SigningKey}. It proves
 * nothing about the password; it only tells the login guard that this client got into this
 * account before, so a flood of failures from elsewhere does not throttle it. Immutable.
 *
 * <p>Wire form: {@code handle.deviceId.expiresEpochSeconds.signature} (handles never hold a dot).
 */
record KnownDevice(String handle, String id, long expiresEpochSeconds) {

    private static final String PURPOSE = "known-device";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new device id for {@code handle}: 12 random bytes, base64url. */
    static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    String encode(SigningKey key) {
        String data = handle + "." + id + "." + expiresEpochSeconds;
        return data + "." + key.sign(PURPOSE, data);
    }

    /** The device a cookie value names, if it is well-formed, signed by {@code key} and not expired. */
    static Optional<KnownDevice> read(String value, SigningKey key, Instant now) {
        if (value.length() > 200) {
            return Optional.empty();
        }
        String[] p = value.split("\\.", -1);
        if (p.length != 4 || !p[2].chars().allMatch(Character::isDigit) || p[2].isEmpty() || p[2].length() > 12) {
            return Optional.empty();
        }
        String data = p[0] + "." + p[1] + "." + p[2];
        long expires = Long.parseLong(p[2]);
        if (expires <= now.getEpochSecond() || !key.verify(PURPOSE, data, p[3])) {
            return Optional.empty();
        }
        return Optional.of(new KnownDevice(p[0], p[1], expires));
    }
}
