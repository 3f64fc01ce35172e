package org.revocation.resourceserver.token;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.core.rule.RevocationRule;
import org.revocation.resourceserver.cutoff.CutoffSource;

/**
 * Refuses a delegated access token whose session was revoked: revocation-core's rule applied to the token's session
 * sign-in time ({@code auth_time_ms}, docs/contracts.md "Tokens") and the user's cutoff ({@code tid}, {@code oid}).
 * Spring Boot adds every {@code OAuth2TokenValidator<Jwt>} bean to the auto-configured {@code JwtDecoder}, after the
 * signature, issuer and time checks. App-only tokens ({@code idtyp} {@code app}) carry no session and pass. A cutoff
 * that cannot be known is a refusal too ({@link RevocationError.Kind#CUTOFF_UNAVAILABLE}), never a success.
 */
public final class RevocationTokenValidator implements OAuth2TokenValidator<Jwt> {

	static final String AUTH_TIME_MS = "auth_time_ms";

	private static final OAuth2TokenValidatorResult NO_SESSION_TIME = OAuth2TokenValidatorResult.failure(new OAuth2Error(
			OAuth2ErrorCodes.INVALID_TOKEN, "a delegated token must carry tid, oid and auth_time_ms", null));

	private static final OAuth2TokenValidatorResult REVOKED = OAuth2TokenValidatorResult
		.failure(RevocationError.sessionRevoked());

	private final CutoffSource cutoffs;

	private final RevocationRule rule;

	private final LongAdder revoked = new LongAdder();

	private final LongAdder unavailable = new LongAdder();

	public RevocationTokenValidator(CutoffSource cutoffs, RevocationRule rule) {
		this.cutoffs = Objects.requireNonNull(cutoffs, "cutoffs cannot be null");
		this.rule = Objects.requireNonNull(rule, "rule cannot be null");
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		if ("app".equals(token.getClaimAsString("idtyp"))) {
			return OAuth2TokenValidatorResult.success();
		}
		String tenantId = token.getClaimAsString("tid");
		String userId = token.getClaimAsString("oid");
		Object signedInAt = token.getClaims().get(AUTH_TIME_MS);
		if (tenantId == null || userId == null || !(signedInAt instanceof Number millis)) {
			return NO_SESSION_TIME;
		}
		try {
			if (this.rule.isRevoked(Instant.ofEpochMilli(millis.longValue()), this.cutoffs.cutoff(tenantId, userId))) {
				this.revoked.increment();
				return REVOKED;
			}
			return OAuth2TokenValidatorResult.success();
		}
		catch (CutoffUnavailableException ex) {
			this.unavailable.increment();
			return OAuth2TokenValidatorResult.failure(RevocationError.cutoffUnavailable(ex.getMessage()));
		}
	}

	/** Tokens refused because their session was revoked. */
	public long revokedRefusals() {
		return this.revoked.sum();
	}

	/** Tokens refused because the cutoff could not be known (answered 503). */
	public long unavailableRefusals() {
		return this.unavailable.sum();
	}
}
