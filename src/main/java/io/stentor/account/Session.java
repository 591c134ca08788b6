package io.stentor.account;

import java.time.Instant;

/** A login: a browser cookie or an API bearer token. The secret token itself is never stored, only its hash. */
public record Session(String id, String userId, Kind kind, String name, Instant createdAt, Instant expiresAt) {

    /** How the token travels. */
    public enum Kind { COOKIE, BEARER }
}
