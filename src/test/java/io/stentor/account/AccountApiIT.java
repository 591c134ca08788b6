package io.stentor.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registration, login by cookie and by token, sessions and their revocation, roles. */
class AccountApiIT {

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = new TestServer();
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @Test
    void registeringSetsAnHttpOnlyLaxCookieAndNeverReturnsThePassword() {
        Api.Res r = ts.api().post("/api/v1/users", Map.of("handle", "Dana_1", "displayName", "Dana Ø",
                "password", "s3cret-enough"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("handle").asText()).isEqualTo("Dana_1");
        assertThat(r.json().get("role").asText()).isEqualTo("user");
        assertThat(r.text()).doesNotContain("s3cret").doesNotContain("argon2");
        String cookie = r.header("Set-Cookie");
        assertThat(cookie).startsWith("stentor_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");

        Api browser = ts.api().withCookie(cookie.substring(0, cookie.indexOf(';')));
        assertThat(browser.get("/api/v1/me").json().get("handle").asText()).isEqualTo("Dana_1");
    }

    @Test
    void aDuplicateHandleIs409WhateverItsCase() {
        ts.api().registerAndLogin("eve");
        Api.Res r = ts.api().post("/api/v1/users", Map.of("handle", "EVE", "displayName", "Eve 2", "password", "password123"));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.error()).isEqualTo("handle_taken");
        assertThat(r.json().get("message").asText()).contains("EVE");
    }

    @Test
    void handlesDisplayNamesAndPasswordsAreValidated() {
        Api api = ts.api();
        assertThat(api.post("/api/v1/users", Map.of("handle", "ab", "displayName", "x", "password", "password123")).error())
                .isEqualTo("invalid_handle");
        assertThat(api.post("/api/v1/users", Map.of("handle", "has space", "displayName", "x", "password", "password123")).error())
                .isEqualTo("invalid_handle");
        assertThat(api.post("/api/v1/users", Map.of("handle", "okname", "displayName", "bad\u202Ename", "password", "password123")).error())
                .isEqualTo("invalid_display_name");
        assertThat(api.post("/api/v1/users", Map.of("handle", "okname", "displayName", "x".repeat(51), "password", "password123")).error())
                .isEqualTo("invalid_display_name");
        assertThat(api.post("/api/v1/users", Map.of("handle", "okname", "displayName", "Ok", "password", "short")).error())
                .isEqualTo("invalid_password");
    }

    @Test
    void wrongPasswordAndUnknownHandleGetTheSame401() {
        ts.api().registerAndLogin("frank");
        Api.Res wrong = ts.api().post("/api/v1/auth/login", Map.of("handle", "frank", "password", "not the password"));
        Api.Res unknown = ts.api().post("/api/v1/auth/login", Map.of("handle", "nobody_here", "password", "whatever123"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.json()).isEqualTo(unknown.json());
    }

    @Test
    void tokensAndCookiesCanBeListedAndRevoked() {
        Api gina = ts.api().registerAndLogin("gina");
        Api.Res login = ts.api().post("/api/v1/auth/login", Map.of("handle", "gina", "password", "correct horse gina"));
        assertThat(login.status()).isEqualTo(200);
        String cookie = login.header("Set-Cookie");
        Api browser = ts.api().withCookie(cookie.substring(0, cookie.indexOf(';')));

        var sessions = gina.get("/api/v1/me/sessions").json().get("sessions");
        assertThat(sessions).hasSize(3); // registration cookie, token, login cookie
        assertThat(sessions.toString()).doesNotContain(gina.token());

        // Revoke the browser session from the API client: the cookie stops working at once.
        String browserSession = login.json().at("/session/id").asText();
        assertThat(gina.delete("/api/v1/me/sessions/" + browserSession).status()).isEqualTo(204);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);

        // Logging out revokes the token itself.
        assertThat(gina.post("/api/v1/auth/logout").status()).isEqualTo(204);
        assertThat(gina.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aUserCannotReadOrRevokeAnotherUsersSession() {
        Api hank = ts.api().registerAndLogin("hank");
        Api ivy = ts.api().registerAndLogin("ivy");
        String ivySession = ivy.get("/api/v1/me/sessions").json().at("/sessions/0/id").asText();
        Api.Res r = hank.delete("/api/v1/me/sessions/" + ivySession);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("session_not_found");
        assertThat(hank.get("/api/v1/me/sessions").text()).doesNotContain(ivySession);
        assertThat(ivy.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void onlyAnAdminChangesRoles() {
        Api jo = ts.api().registerAndLogin("jojo");
        assertThat(jo.put("/api/v1/users/jojo/role", Map.of("role", "admin")).status()).isEqualTo(403);
        assertThat(ts.api().get("/api/v1/users/jojo").json().get("role").asText()).isEqualTo("user");
        assertThat(ts.api().put("/api/v1/users/jojo/role", Map.of("role", "admin")).status()).isEqualTo(401);
    }

    @Test
    void aForgedOrMissingTokenIs401() {
        assertThat(ts.api().withToken("forged-token").get("/api/v1/me").status()).isEqualTo(401);
        Api.Res r = ts.api().get("/api/v1/me");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("unauthorized");
    }
}
