package org.revocation.ssf.auth;

import org.springframework.http.HttpStatus;

/**
 * An expected failure of a management, poll or metadata request, answered with an OAuth-style error body
 * ({@code {"error":…,"error_description":…}}) and, for 401 and 403, the RFC 6750 {@code WWW-Authenticate} challenge.
 */
public class SsfException extends RuntimeException {

	private static final String REALM = "Bearer realm=\"ssf\"";

	private final HttpStatus status;

	private final String error;

	private final String challenge;

	public SsfException(HttpStatus status, String error, String description, String challenge) {
		super(description);
		this.status = status;
		this.error = error;
		this.challenge = challenge;
	}

	/** RFC 6750 section 3.1: no credentials at all get a challenge without an error code. */
	public static SsfException missingToken() {
		return new SsfException(HttpStatus.UNAUTHORIZED, "invalid_request", "A bearer access token is required.",
				REALM);
	}

	public static SsfException invalidToken(String description) {
		return new SsfException(HttpStatus.UNAUTHORIZED, "invalid_token", description,
				REALM + ", error=\"invalid_token\", error_description=\"" + description + "\"");
	}

	public static SsfException insufficientScope(String permission) {
		String description = "The token must carry the application permission " + permission + " in roles.";
		return new SsfException(HttpStatus.FORBIDDEN, "insufficient_scope", description,
				REALM + ", error=\"insufficient_scope\", scope=\"" + permission + "\"");
	}

	public static SsfException badRequest(String description) {
		return new SsfException(HttpStatus.BAD_REQUEST, "invalid_request", description, null);
	}

	public static SsfException notFound(String description) {
		return new SsfException(HttpStatus.NOT_FOUND, "not_found", description, null);
	}

	public static SsfException unavailable(String description) {
		return new SsfException(HttpStatus.SERVICE_UNAVAILABLE, "temporarily_unavailable", description, null);
	}

	public HttpStatus status() {
		return this.status;
	}

	public String error() {
		return this.error;
	}

	/** The {@code WWW-Authenticate} value, or null. */
	public String challenge() {
		return this.challenge;
	}
}
