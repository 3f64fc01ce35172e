package org.revocation.tokenchecker.token;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.springframework.stereotype.Component;

import org.revocation.core.redis.CutoffReader;
import org.revocation.core.rule.RevocationRule;

/**
 * Where the token-checker applies DESIGN.md section 2: one Redis read of the user's cutoff, then the shared rule.
 * A cutoff that cannot be known throws {@link org.revocation.core.redis.CutoffUnavailableException} (fail closed).
 */
@Component
public class RevocationCheck {

	static final DateTimeFormatter GRANT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final CutoffReader cutoffs;

	private final RevocationRule rule;

	private final Clock clock;

	public RevocationCheck(CutoffReader cutoffs, RevocationRule rule, Clock clock) {
		this.cutoffs = cutoffs;
		this.rule = rule;
		this.clock = clock;
	}

	/** Whether the session of this user that signed in at {@code signedInAt} is still honoured. */
	public boolean isHonoured(String tenantId, String userId, Instant signedInAt) {
		return !this.rule.isRevoked(signedInAt, this.cutoffs.cutoff(tenantId, userId));
	}

	/**
	 * Refuses a refresh of a revoked session with the AADSTS50173 answer (graph-contract.md section 3.1).
	 */
	void requireNotRevoked(String tenantId, String userId, Instant signedInAt) {
		Optional<Instant> cutoff = this.cutoffs.cutoff(tenantId, userId);
		if (this.rule.isRevoked(signedInAt, cutoff)) {
			// As per graph-contract.md section 3.1: invalid_grant, AADSTS50173, suberror bad_token
			throw new OAuthException(org.springframework.http.HttpStatus.BAD_REQUEST, "invalid_grant", 50173,
					"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user "
							+ "might have changed or reset their password. The grant was issued on '"
							+ GRANT_DATE.format(signedInAt) + "' and the TokensValidFrom date (before which tokens "
							+ "are not valid) for this user is '" + GRANT_DATE.format(cutoff.get()) + "'.",
					"bad_token");
		}
	}

	/** The sign-in time of a new session of this user: now, but never inside a known revocation's reach. */
	public Instant stampSignIn(String tenantId, String userId) {
		return this.rule.stampSignIn(this.clock.instant(), this.cutoffs.cutoff(tenantId, userId));
	}
}
