package io.stentor.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The production Argon2id parameters (19 MiB, 2 passes), in the standard PHC format. */
class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(19456, 2, 2);

    @Test
    void aHashVerifiesOnlyItsOwnPassword() {
        String h = hasher.hash("correct horse battery staple");
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse battery staple", h)).isTrue();
        assertThat(hasher.verify("correct horse battery stapler", h)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
    }

    @Test
    void hashesMadeWithOtherParametersStillVerify() {
        String cheap = new PasswordHasher(1024, 1, 1).hash("old password");
        assertThat(hasher.verify("old password", cheap)).isTrue();
    }

    @Test
    void aMissingHashNeverVerifies() {
        assertThat(hasher.verify("anything", null)).isFalse();
        assertThat(hasher.verify("anything", "$bcrypt$nonsense")).isFalse();
    }
}
