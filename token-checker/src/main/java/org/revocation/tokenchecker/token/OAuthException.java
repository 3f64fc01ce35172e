package org.revocation.tokenchecker.token;

import org.springframework.http.HttpStatus;

/**
 * An OAuth 2.0 error answered as Microsoft's identity platform does: {@code error}, an AADSTS code and its text.
 * Thrown by the grant handlers, written only by {@link OAuthErrorHandler}.
 */
public class OAuthException extends RuntimeException {

	private final HttpStatus status;

	private final String error;

	private final int code;

	private final String suberror;

	public OAuthException(HttpStatus status, String error, int code, String description) {
		this(status, error, code, description, null);
	}

	public OAuthException(HttpStatus status, String error, int code, String description, String suberror) {
		super(description);
		this.status = status;
		this.error = error;
		this.code = code;
		this.suberror = suberror;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String error() {
		return this.error;
	}

	public int code() {
		return this.code;
	}

	public String suberror() {
		return this.suberror;
	}

	// The errors of this service, each with Microsoft's AADSTS code and wording.

	public static OAuthException invalidRequest(int code, String description) {
		return new OAuthException(HttpStatus.BAD_REQUEST, "invalid_request", code, description);
	}

	public static OAuthException missingParameter(String name) {
		return invalidRequest(900144, "The request body must contain the following parameter: '" + name + "'.");
	}

	public static OAuthException invalidGrant(int code, String description) {
		return new OAuthException(HttpStatus.BAD_REQUEST, "invalid_grant", code, description);
	}

	public static OAuthException malformedGrant() {
		return invalidGrant(9002313, "Invalid request. Request is malformed or invalid.");
	}

	public static OAuthException unknownTenant(String tenant) {
		return invalidRequest(90002, "Tenant '" + tenant + "' not found. Check to make sure you have the correct "
				+ "tenant ID and are signing into the correct cloud.");
	}

	public static OAuthException temporarilyUnavailable() {
		return new OAuthException(HttpStatus.SERVICE_UNAVAILABLE, "temporarily_unavailable", 90033,
				"A transient error has occurred. Please try again.");
	}
}
