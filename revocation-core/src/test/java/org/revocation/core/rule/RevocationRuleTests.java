package org.revocation.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RevocationRuleTests {

	private static final Instant CUTOFF = Instant.parse("2026-11-25T10:00:00.500Z");

	private final RevocationRule rule = new RevocationRule(Duration.ofSeconds(1));

	@Test
	void isRevokedWhenSessionSignedInBeforeCutoffThenTrue() {
		assertThat(this.rule.isRevoked(CUTOFF.minusMillis(1), CUTOFF)).isTrue();
	}

	@Test
	void isRevokedWhenSessionSignedInWithinAllowanceAfterCutoffThenTrue() {
		// a checker clock up to the allowance ahead of the gateway's cannot keep an old session alive
		assertThat(this.rule.isRevoked(CUTOFF.plusMillis(999), CUTOFF)).isTrue();
	}

	@Test
	void isRevokedWhenSessionSignedInAtCutoffPlusAllowanceThenFalse() {
		assertThat(this.rule.isRevoked(CUTOFF.plusSeconds(1), CUTOFF)).isFalse();
	}

	@Test
	void isRevokedWhenNoCutoffThenFalse() {
		assertThat(this.rule.isRevoked(CUTOFF, Optional.empty())).isFalse();
	}

	@Test
	void stampSignInWhenCutoffKnownThenNotBeforeCutoffPlusAllowance() {
		Instant now = CUTOFF.minusMillis(300); // checker clock behind the gateway's
		Instant stamped = this.rule.stampSignIn(now, Optional.of(CUTOFF));
		assertThat(stamped).isEqualTo(CUTOFF.plusSeconds(1));
		assertThat(this.rule.isRevoked(stamped, CUTOFF)).isFalse();
	}

	@Test
	void stampSignInWhenNowLaterThanCutoffPlusAllowanceThenNow() {
		Instant now = CUTOFF.plusSeconds(5);
		assertThat(this.rule.stampSignIn(now, Optional.of(CUTOFF))).isEqualTo(now);
		assertThat(this.rule.stampSignIn(now, Optional.empty())).isEqualTo(now);
	}

	@Test
	void constructorWhenNegativeAllowanceThenThrows() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RevocationRule(Duration.ofMillis(-1)));
	}
}
