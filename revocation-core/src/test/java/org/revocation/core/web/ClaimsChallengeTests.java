package org.revocation.core.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimsChallengeTests {

	@Test
	void headerWhenRefusedAtInstantThenGraphBearerWithInsufficientClaimsAndNbfOfThatSecond() {
		String header = ClaimsChallenge.header(Instant.parse("2026-12-07T03:00:00.999Z"));
		assertThat(header).isEqualTo(ClaimsChallenge.BEARER + ", error=\"insufficient_claims\", claims=\""
				+ Base64.getEncoder()
					.encodeToString("{\"access_token\":{\"nbf\":{\"essential\":true, \"value\":\"1796612400\"}}}"
						.getBytes(StandardCharsets.UTF_8))
				+ "\"");
		assertThat(ClaimsChallenge.BEARER).startsWith("Bearer realm=\"\", authorization_uri=");
	}
}
