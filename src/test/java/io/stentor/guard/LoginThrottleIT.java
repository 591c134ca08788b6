package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failed logins per account, over real HTTP from several loopback networks (127.0.N.x are
 * different /24s; the loopback exemption is turned off and the per-address login rate raised, so
 * only the per-account throttle is at work).
 */
class LoginThrottleIT {

    static final String HASHES = "stentor_auth_password_hashes_total";

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("guard.exempt", "", "guard.logins-per-minute", "1000", "guard.api-per-second", "1000",
                "guard.login-failures-per-network", "3", "guard.login-failures-per-account", "8"));
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void anAttackerNetworkIsThrottledBeforeHashingWhileTheOwnerFromAnotherNetworkLogsIn() {
        register("alice");
        Api attacker = ts.api().from("127.0.1.5");
        for (int i = 0; i < 3; i++) {
            assertThat(login(attacker, "alice", "wrong password " + i).status()).isEqualTo(401);
        }
        double hashes = ts.api().metric(HASHES);
        for (int i = 0; i < 5; i++) {
            Api.Res r = login(attacker, "alice", "wrong password x" + i);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.error()).isEqualTo("login_throttled");
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 15 * 60L);
        }
        // Another address of the same /24 is the same network; the token route is throttled alike.
        Api.Res token = attacker.from("127.0.1.6").post("/api/v1/auth/tokens",
                Map.of("handle", "ALICE", "password", "correct horse alice"));
        assertThat(token.status()).isEqualTo(429);
        assertThat(ts.api().metric(HASHES)).as("password hashes computed for throttled attempts").isEqualTo(hashes);
        assertThat(ts.api().metric("stentor_guard_refused_total{action=\"login_network\"}")).isGreaterThanOrEqualTo(6);

        Api.Res owner = login(ts.api().from("127.0.2.7"), "alice", "correct horse alice");
        assertThat(owner.status()).isEqualTo(200);
        assertThat(owner.cookie("stentor_device")).startsWith("stentor_device=alice.");
    }

    @Test
    void aSuccessfulLoginClearsItsNetworksFailures() {
        register("bruno");
        Api user = ts.api().from("127.0.6.1");
        for (int i = 0; i < 2; i++) {
            assertThat(login(user, "bruno", "typo " + i).status()).isEqualTo(401);
        }
        assertThat(login(user, "bruno", "correct horse bruno").status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(login(user, "bruno", "typo again " + i).status()).isEqualTo(401);
        }
        assertThat(login(user, "bruno", "typo once more").status()).isEqualTo(429);
    }

    @Test
    void underADistributedFloodTheOwnersKnownDeviceAndKnownNetworkStillGetIn() {
        register("carol");
        Api.Res first = login(ts.api().from("127.0.3.1"), "carol", "correct horse carol");
        assertThat(first.status()).isEqualTo(200);
        String device = first.cookie("stentor_device");
        assertThat(first.headers().get("set-cookie")).anySatisfy(c -> assertThat(c.toLowerCase(java.util.Locale.ROOT))
                .startsWith("stentor_device=").contains("; httponly", "; samesite=lax", "; path=/api/v1/auth"));

        // Eight networks, two failures each (under the per-network limit): the account's budget of 8 is spent...
        int failed = 0;
        for (int net = 10; failed < 8; net++) {
            for (int i = 0; i < 2 && failed < 8; i++, failed++) {
                assertThat(login(ts.api().from("127.0." + net + ".1"), "carol", "guess " + net + i).status()).isEqualTo(401);
            }
        }
        // ...so a fresh network is refused on its first try, before hashing, even with the right password.
        double hashes = ts.api().metric(HASHES);
        Api.Res stranger = login(ts.api().from("127.0.40.1"), "carol", "correct horse carol");
        assertThat(stranger.status()).isEqualTo(429);
        assertThat(stranger.error()).isEqualTo("login_throttled");
        assertThat(stranger.header("Retry-After")).isNotNull();
        assertThat(ts.api().metric(HASHES)).isEqualTo(hashes);
        assertThat(ts.api().metric("stentor_guard_refused_total{action=\"login_account\"}")).isGreaterThanOrEqualTo(1);

        // The owner's browser, now on a network never seen before, is a known device and gets in.
        Api.Res withDevice = login(ts.api().from("127.0.41.1").withCookie(device), "carol", "correct horse carol");
        assertThat(withDevice.status()).isEqualTo(200);
        // So does any client on the network the owner logged in from.
        assertThat(login(ts.api().from("127.0.3.2"), "carol", "correct horse carol").status()).isEqualTo(200);
        // A device cookie for another account, or a forged one, does not help.
        Api.Res forged = login(ts.api().from("127.0.42.1").withCookie(device.replace("carol.", "carl.")),
                "carol", "correct horse carol");
        assertThat(forged.status()).isEqualTo(429);
    }

    private static void register(String handle) {
        Api.Res r = ts.api().post("/api/v1/users", Map.of("handle", handle, "displayName", "User " + handle,
                "password", "correct horse " + handle));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    private static Api.Res login(Api from, String handle, String password) {
        return from.post("/api/v1/auth/login", Map.of("handle", handle, "password", password));
    }
}
