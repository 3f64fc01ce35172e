package org.revocation.resourceserver.token;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Why {@link RevocationTokenValidator} refused a token, carried inside Spring Security's {@code JwtValidationException}
 * to {@link RevocationEntryPoint}, which answers it: 401 with the claims challenge, or 503 with {@code Retry-After}.
 */
public final class RevocationError extends OAuth2Error {

	private static final long serialVersionUID = 1L;

	/** The two outcomes the entry point answers differently. */
	public enum Kind {

		/** The token's session was revoked: 401 with the CAE claims challenge. */
		SESSION_REVOKED,

		/** The user's cutoff cannot be known now: 503 with {@code Retry-After}, never a success. */
		CUTOFF_UNAVAILABLE

	}

	private final Kind kind;

	private RevocationError(Kind kind, String errorCode, String description) {
		super(errorCode, description, null);
		this.kind = kind;
	}

	public static RevocationError sessionRevoked() {
		return new RevocationError(Kind.SESSION_REVOKED, "insufficient_claims",
				"the token's session was revoked (TokenIssuedBeforeRevocationTimestamp)");
	}

	public static RevocationError cutoffUnavailable(String reason) {
		return new RevocationError(Kind.CUTOFF_UNAVAILABLE, "temporarily_unavailable",
				"revocation state unavailable: " + reason);
	}

	public Kind kind() {
		return this.kind;
	}
}
