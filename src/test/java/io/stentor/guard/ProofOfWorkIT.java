package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proof-of-work on logins over real HTTP, with the node's state forced by the test. */
class ProofOfWorkIT {

    static final AtomicReference<GuardState> state = new AtomicReference<>(GuardState.NORMAL);
    static final Map<String, String> LOGIN = Map.of("handle", "pat", "password", "correct horse pat");

    static TestServer ts;

    @BeforeAll
    static void start() {
        ts = new TestServer(Map.of("guard.exempt", "", "guard.logins-per-minute", "1000", "guard.api-per-second", "1000"),
                state::get);
        assertThat(ts.api().post("/api/v1/users", Map.of("handle", "pat", "displayName", "Pat",
                "password", "correct horse pat")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    @BeforeEach
    void normal() {
        state.set(GuardState.NORMAL);
    }

    @Test
    void aNormalNodeAsksNoProofInAutoMode() {
        assertThat(ts.api().post("/api/v1/auth/login", LOGIN).status()).isEqualTo(200);
        assertThat(ts.api().get("/api/v1/guard/challenge").json().get("difficulty").asInt()).isEqualTo(14);
    }

    @Test
    void aConstrainedNodeWantsAProofAndTakesEachSolvedChallengeOnce() {
        state.set(GuardState.CONSTRAINED);
        Api.Res without = ts.api().post("/api/v1/auth/login", LOGIN);
        assertThat(without.status()).isEqualTo(428);
        assertThat(without.error()).isEqualTo("proof_of_work_required");
        assertThat(without.json().get("message").asText()).contains("/api/v1/guard/challenge");
        assertThat(ts.api().post("/api/v1/auth/tokens", LOGIN).status()).isEqualTo(428);

        Api.Res c = ts.api().get("/api/v1/guard/challenge");
        assertThat(c.status()).isEqualTo(200);
        String challenge = c.json().get("challenge").asText();
        int bits = c.json().get("difficulty").asInt();
        assertThat(bits).isEqualTo(14);
        assertThat(c.json().get("expiresAt").asText()).endsWith("Z");
        String proof = challenge + ":" + ProofOfWork.solve(challenge, bits);

        assertThat(loginWith(proof).status()).isEqualTo(200);
        Api.Res again = loginWith(proof);
        assertThat(again.status()).isEqualTo(428);
        assertThat(again.error()).isEqualTo("proof_of_work_invalid");
        assertThat(again.json().get("message").asText()).contains("used already");
    }

    @Test
    void forgedOrUnsolvedProofsAreRefused() {
        state.set(GuardState.CONSTRAINED);
        String challenge = ts.api().get("/api/v1/guard/challenge").json().get("challenge").asText();
        // Lowering the difficulty written in the challenge breaks its signature.
        String easier = challenge.replaceFirst("\\.14\\.", ".1.");
        assertThat(loginWith(easier + ":" + ProofOfWork.solve(easier, 1)).error()).isEqualTo("proof_of_work_invalid");
        assertThat(loginWith("1.AAAA.99999999999.1.AAAA:0").error()).isEqualTo("proof_of_work_invalid");
        assertThat(loginWith("garbage").error()).isEqualTo("proof_of_work_invalid");
        long wrong = ProofOfWork.solve(challenge, 14) + 1;
        while (ProofOfWork.solves(challenge + ":" + wrong, 14)) {
            wrong++;
        }
        assertThat(loginWith(challenge + ":" + wrong).error()).isEqualTo("proof_of_work_invalid");
        assertThat(ts.api().metric("stentor_guard_refused_total{action=\"proof_of_work\"}")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aCriticalNodeAsksForMoreWorkThanAConstrainedChallengeDid() {
        state.set(GuardState.CONSTRAINED);
        String easy = ts.api().get("/api/v1/guard/challenge").json().get("challenge").asText();
        state.set(GuardState.CRITICAL);
        assertThat(loginWith(easy + ":" + ProofOfWork.solve(easy, 14)).error()).isEqualTo("proof_of_work_invalid");
        Api.Res c = ts.api().get("/api/v1/guard/challenge");
        assertThat(c.json().get("difficulty").asInt()).isEqualTo(16);
        String hard = c.json().get("challenge").asText();
        assertThat(loginWith(hard + ":" + ProofOfWork.solve(hard, 16)).status()).isEqualTo(200);
    }

    private static Api.Res loginWith(String proof) {
        try {
            return ts.api().send(HttpRequest.newBuilder(URI.create(ts.baseUrl() + "/api/v1/auth/login"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json").header("Stentor-Proof", proof)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Api.JSON.writeValueAsBytes(LOGIN))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
