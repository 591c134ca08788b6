package io.stentor.account;

import java.time.Instant;

/** A registered account as clients may see it: never carries the password hash. */
public record User(String id, String handle, String displayName, Role role, Instant createdAt) {
}
