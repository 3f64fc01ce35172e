package org.revocation.resourceserver.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.core.rule.RevocationRule;
import org.revocation.core.testing.DemoTenant;
import org.revocation.resourceserver.cutoff.CutoffSource;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationTokenValidatorTests {

	private static final Instant CUTOFF = Instant.parse("2026-12-07T03:00:00.000Z");

	private final CutoffSource bobRevokedAtCutoff = new CutoffSource() {
		@Override
		public Optional<Instant> cutoff(String tenantId, String userId) {
			return DemoTenant.BOB.id().equals(userId) ? Optional.of(CUTOFF) : Optional.empty();
		}

		@Override
		public Status status() {
			return new Status(true, 0, 1, null);
		}
	};

	private final RevocationTokenValidator validator = new RevocationTokenValidator(this.bobRevokedAtCutoff,
			new RevocationRule(Duration.ofSeconds(1)));

	@Test
	void validateWhenSessionSignedInBeforeCutoffPlusAllowanceThenSessionRevoked() {
		OAuth2TokenValidatorResult result = this.validator.validate(delegated(DemoTenant.BOB, CUTOFF.plusMillis(999)));
		assertThat(result.hasErrors()).isTrue();
		assertThat(result.getErrors()).singleElement()
			.isInstanceOfSatisfying(RevocationError.class,
					(error) -> assertThat(error.kind()).isEqualTo(RevocationError.Kind.SESSION_REVOKED));
		assertThat(this.validator.revokedRefusals()).isEqualTo(1);
	}

	@Test
	void validateWhenSessionSignedInAtCutoffPlusAllowanceThenSuccess() {
		assertThat(this.validator.validate(delegated(DemoTenant.BOB, CUTOFF.plusSeconds(1))).hasErrors()).isFalse();
	}

	@Test
	void validateWhenUserNeverRevokedThenSuccess() {
		assertThat(this.validator.validate(delegated(DemoTenant.CAROL, CUTOFF.minusSeconds(3600))).hasErrors()).isFalse();
	}

	@Test
	void validateWhenAppOnlyTokenThenSuccessWithoutCutoff() {
		RevocationTokenValidator failing = new RevocationTokenValidator(unavailable(), new RevocationRule(Duration.ZERO));
		Jwt app = jwt(Map.of("idtyp", "app", "tid", DemoTenant.CONTOSO, "oid", DemoTenant.REVOCATION_DAEMON.clientId()));
		assertThat(failing.validate(app).hasErrors()).isFalse();
	}

	@Test
	void validateWhenDelegatedTokenWithoutAuthTimeMsThenInvalidToken() {
		Jwt token = jwt(Map.of("idtyp", "user", "tid", DemoTenant.CONTOSO, "oid", DemoTenant.BOB.id()));
		OAuth2TokenValidatorResult result = this.validator.validate(token);
		assertThat(result.getErrors()).singleElement()
			.satisfies((error) -> assertThat(error.getErrorCode()).isEqualTo("invalid_token"));
	}

	@Test
	void validateWhenCutoffUnavailableThenFailsClosed() {
		RevocationTokenValidator failing = new RevocationTokenValidator(unavailable(), new RevocationRule(Duration.ZERO));
		OAuth2TokenValidatorResult result = failing.validate(delegated(DemoTenant.CAROL, CUTOFF));
		assertThat(result.getErrors()).singleElement()
			.isInstanceOfSatisfying(RevocationError.class,
					(error) -> assertThat(error.kind()).isEqualTo(RevocationError.Kind.CUTOFF_UNAVAILABLE));
		assertThat(failing.unavailableRefusals()).isEqualTo(1);
	}

	private static CutoffSource unavailable() {
		return new CutoffSource() {
			@Override
			public Optional<Instant> cutoff(String tenantId, String userId) {
				throw new CutoffUnavailableException("revocation view not caught up yet");
			}

			@Override
			public Status status() {
				return new Status(false, Long.MAX_VALUE, 0, "not caught up");
			}
		};
	}

	private static Jwt delegated(DemoTenant.User user, Instant signedInAt) {
		return jwt(Map.of("idtyp", "user", "tid", user.tenantId(), "oid", user.id(), "auth_time_ms",
				signedInAt.toEpochMilli()));
	}

	private static Jwt jwt(Map<String, Object> claims) {
		return Jwt.withTokenValue("token").header("alg", "RS256").claims((c) -> c.putAll(claims)).build();
	}
}
