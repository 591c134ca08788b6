package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stentor.config.ConfigSources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The solver and the verifier, with a clock the test moves. */
class ProofOfWorkTest {

    /** A clock that stands still until told to move. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final SigningKey key = SigningKey.of("", ProofOfWorkTest::randomKey);

    ProofOfWork pow(SigningKey k) {
        return new ProofOfWork(ConfigSources.defaultsWith(Map.of("guard.proof-of-work", "always")).guard(), k,
                () -> GuardState.CONSTRAINED, clock, new SimpleMeterRegistry());
    }

    @Test
    void aSolutionsHashStartsWithTheAskedZeroBits() throws Exception {
        for (int bits : new int[] {1, 8, 12, 14}) {
            String proof = "1.abc.123.14.xyz:" + ProofOfWork.solve("1.abc.123.14.xyz", bits);
            byte[] h = MessageDigest.getInstance("SHA-256").digest(proof.getBytes(StandardCharsets.UTF_8));
            int zeros = 0;
            while (zeros < 256 && (h[zeros / 8] & (0x80 >> (zeros % 8))) == 0) {
                zeros++;
            }
            assertThat(zeros).as("leading zero bits of SHA-256(%s)", proof).isGreaterThanOrEqualTo(bits);
            assertThat(ProofOfWork.solves(proof, bits)).isTrue();
        }
    }

    @Test
    void aValidProofIsAcceptedOnceAndUntilItsChallengeExpires() {
        ProofOfWork pow = pow(key);
        ProofOfWork.Challenge c = pow.issue();
        assertThat(c.difficulty()).isEqualTo(14);
        assertThat(c.expiresAt()).isEqualTo(clock.now.plus(Duration.ofMinutes(2)));
        assertThat(c.challenge()).doesNotContain(":");
        String proof = c.challenge() + ":" + ProofOfWork.solve(c.challenge(), c.difficulty());
        assertThat(pow.check(proof)).isNull();
        assertThat(pow.check(proof)).contains("used already");

        ProofOfWork.Challenge late = pow.issue();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(pow.check(late.challenge() + ":" + ProofOfWork.solve(late.challenge(), 14))).contains("expired");
    }

    @Test
    void aChallengeFromAnotherKeyIsForged() {
        ProofOfWork.Challenge c = pow(SigningKey.of("", ProofOfWorkTest::randomKey)).issue();
        assertThat(pow(key).check(c.challenge() + ":" + ProofOfWork.solve(c.challenge(), 14)))
                .contains("not issued by this server");
    }

    @Test
    void aSharedSecretMakesChallengesValidOnEveryNode() {
        String secret = "a shared secret of at least 32 characters";
        ProofOfWork.Challenge c = pow(SigningKey.of(secret, ProofOfWorkTest::randomKey)).issue();
        assertThat(pow(SigningKey.of(secret, ProofOfWorkTest::randomKey)).check(c.challenge() + ":" + ProofOfWork.solve(c.challenge(), 14))).isNull();
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }
}
