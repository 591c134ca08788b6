package io.stentor.store;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Signing keys kept in the database, so that they survive restarts and every node of a cluster
 * that shares the database uses the same one. The first node to ask for a key makes it.
 */
public final class ServerSecrets {

    private final Jdbi jdbi;

    public ServerSecrets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The 256-bit key called {@code name}, made now if there is none yet. */
    public byte[] key(String name) {
        Optional<String> found = find(name);
        if (found.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)")
                        .bind(0, name).bind(1, Base64.getEncoder().encodeToString(fresh)).bind(2, Instant.now()).execute());
            } catch (RuntimeException raced) {
                // Another node made it first: use theirs.
            }
            found = find(name);
        }
        return Base64.getDecoder().decode(found.orElseThrow(() -> new IllegalStateException("no secret " + name)));
    }

    private Optional<String> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT secret FROM server_secrets WHERE name = ?").bind(0, name)
                .mapTo(String.class).findOne());
    }
}
