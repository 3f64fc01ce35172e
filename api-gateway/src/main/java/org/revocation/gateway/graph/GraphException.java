package org.revocation.gateway.graph;

import java.util.Map;

import org.springframework.http.HttpStatus;

import org.revocation.core.web.ClaimsChallenge;

/**
 * A Graph error: status, {@code error.code} and {@code error.message} (graph-contract.md section 2), plus any headers
 * it needs ({@code WWW-Authenticate}, {@code Retry-After}). Written only by {@link GraphErrorHandler}.
 */
public class GraphException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	private final Map<String, String> headers;

	public GraphException(HttpStatus status, String code, String message) {
		this(status, code, message, Map.of());
	}

	public GraphException(HttpStatus status, String code, String message, Map<String, String> headers) {
		super(message);
		this.status = status;
		this.code = code;
		this.headers = Map.copyOf(headers);
	}

	public HttpStatus status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public Map<String, String> headers() {
		return this.headers;
	}

	/** The header Graph sends with every 401 (graph-contract.md section 2.2). */
	public static final String WWW_AUTHENTICATE = ClaimsChallenge.BEARER;

	public static GraphException invalidToken(String message) {
		return new GraphException(HttpStatus.UNAUTHORIZED, "InvalidAuthenticationToken", message,
				Map.of("WWW-Authenticate", WWW_AUTHENTICATE));
	}

	public static GraphException accessDenied() {
		return new GraphException(HttpStatus.FORBIDDEN, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation.");
	}

	public static GraphException notFound(String asGiven) {
		return new GraphException(HttpStatus.NOT_FOUND, "Request_ResourceNotFound", "Resource '" + asGiven
				+ "' does not exist or one of its queried reference-property objects are not present.");
	}

	public static GraphException badRequest(String message) {
		return new GraphException(HttpStatus.BAD_REQUEST, "BadRequest", message);
	}

	public static GraphException serviceUnavailable(int retryAfterSeconds) {
		return new GraphException(HttpStatus.SERVICE_UNAVAILABLE, "serviceNotAvailable",
				"The service is temporarily unavailable. Please retry after the period in the Retry-After header.",
				Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
	}
}
