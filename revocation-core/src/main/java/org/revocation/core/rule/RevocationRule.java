package org.revocation.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule of DESIGN.md section 2, written once and called by every path that honours a session: refresh-token
 * redemption, session cookies, introspection and the gateway's own token check.
 * <p>
 * A session is revoked when its sign-in time is earlier than the user's cutoff plus the clock-skew allowance. The
 * allowance covers a token-checker whose clock runs ahead of the gateway's (which stamps cutoffs); the other half of
 * the skew rule is {@link #stampSignIn(Instant, Optional)}: a sign-in made after a cutoff is known is stamped no earlier
 * than cutoff + allowance, so a fresh sign-in is never refused by an older revocation.
 * <p>
 * An unknown cutoff (Redis unreachable, view incomplete) never reaches this class: callers fail closed.
 */
public final class RevocationRule {

	/** The default clock-skew allowance: 1 second. */
	public static final Duration DEFAULT_CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(1);

	private final Duration clockSkewAllowance;

	public RevocationRule(Duration clockSkewAllowance) {
		Objects.requireNonNull(clockSkewAllowance, "clockSkewAllowance cannot be null");
		if (clockSkewAllowance.isNegative()) {
			throw new IllegalArgumentException("clockSkewAllowance cannot be negative");
		}
		this.clockSkewAllowance = clockSkewAllowance;
	}

	public Duration clockSkewAllowance() {
		return this.clockSkewAllowance;
	}

	/** Whether a session that signed in at {@code sessionSignedInAt} is revoked by {@code cutoff}. */
	public boolean isRevoked(Instant sessionSignedInAt, Instant cutoff) {
		return sessionSignedInAt.isBefore(cutoff.plus(this.clockSkewAllowance));
	}

	/** {@link #isRevoked(Instant, Instant)} for a user who may have no cutoff (never revoked, or expired). */
	public boolean isRevoked(Instant sessionSignedInAt, Optional<Instant> cutoff) {
		return cutoff.isPresent() && isRevoked(sessionSignedInAt, cutoff.get());
	}

	/**
	 * The sign-in time to stamp on a new session: {@code now}, but never earlier than the known cutoff plus the
	 * allowance, so that the new session is not revoked by the revocation that preceded it.
	 */
	public Instant stampSignIn(Instant now, Optional<Instant> cutoff) {
		if (cutoff.isEmpty()) {
			return now;
		}
		Instant earliest = cutoff.get().plus(this.clockSkewAllowance);
		return now.isBefore(earliest) ? earliest : now;
	}
}
