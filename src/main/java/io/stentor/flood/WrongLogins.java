package io.stentor.flood;

import io.stentor.server.Json;
import java.util.Map;

/** Password guessing: logins with random wrong passwords, for one handle or a random one each time. */
record WrongLogins(String host, String handle) implements Attack {

    @Override
    public FloodKind kind() {
        return FloodKind.LOGINS;
    }

    @Override
    public byte[] opening(long n) {
        String who = handle != null ? handle : "flood" + RawRequests.token(6).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]", "x");
        return RawRequests.postJson(host, "/api/v1/auth/login",
                Json.write(Map.of("handle", who, "password", "wrong " + RawRequests.token(12))));
    }
}
