package io.stentor.guard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's HMAC-SHA256 key for the guard's stateless tokens (known-device cookies, proof-of-work
 * challenges). Each use signs under its own purpose, so a token of one kind is never valid as
 * another. From {@code guard.secret}, or random per start when that is empty: then tokens die with
 * the process and other nodes reject them. Immutable; thread-safe.
 */
public final class SigningKey {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Mac prototype;

    private SigningKey(byte[] key) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The configured secret, or when it is empty the key kept in the database ({@code stored}). */
    public static SigningKey of(String secret, java.util.function.Supplier<byte[]> stored) {
        return new SigningKey(secret.isEmpty() ? stored.get() : secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature of {@code data} for {@code purpose}, base64url without padding (43 characters). */
    public String sign(String purpose, String data) {
        Mac mac;
        try {
            // A clone is cheaper than a fresh Mac and, unlike the prototype, ours alone.
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        mac.update(purpose.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return B64.encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    /** True when {@code signature} is {@code data}'s for {@code purpose}; compared in constant time. */
    public boolean verify(String purpose, String data, String signature) {
        return MessageDigest.isEqual(sign(purpose, data).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
