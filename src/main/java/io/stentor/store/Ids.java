package io.stentor.store;

import java.security.SecureRandom;

/** Random, unguessable, URL-safe identifiers for rows that clients see (users, spaces, sessions). */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new 14-character id (~80 bits of randomness). */
    public static String next() {
        char[] out = new char[14];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
