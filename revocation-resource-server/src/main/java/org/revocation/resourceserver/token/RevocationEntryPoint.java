package org.revocation.resourceserver.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

import org.revocation.core.web.ClaimsChallenge;

/**
 * Answers the bearer-token failures of the resource server's filter chain: a token refused by
 * {@link RevocationTokenValidator} because its session was revoked gets 401 with the CAE claims challenge the gateway
 * sends (so MSAL clients sign in again); a token whose cutoff could not be known gets 503 with {@code Retry-After} and
 * an OAuth error body ({@code temporarily_unavailable}). Every other failure is answered by Spring Security's own
 * {@link BearerTokenAuthenticationEntryPoint}.
 */
public final class RevocationEntryPoint implements AuthenticationEntryPoint {

	private final AuthenticationEntryPoint delegate;

	private final Clock clock;

	private final long retryAfterSeconds;

	public RevocationEntryPoint(AuthenticationEntryPoint delegate, Clock clock, long retryAfterSeconds) {
		this.delegate = Objects.requireNonNull(delegate, "delegate cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException, ServletException {
		RevocationError error = revocationError(failure);
		if (error == null) {
			this.delegate.commence(request, response, failure);
			return;
		}
		if (error.kind() == RevocationError.Kind.SESSION_REVOKED) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, ClaimsChallenge.header(this.clock.instant()));
			response.setStatus(HttpStatus.UNAUTHORIZED.value());
			return;
		}
		// RFC 6749 section 4.1.2.1: temporarily_unavailable; RFC 9110 section 10.2.3: Retry-After
		response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter()
			.write("{\"error\":\"temporarily_unavailable\",\"error_description\":\"The revocation state is not known "
					+ "yet; retry after the period in the Retry-After header.\"}");
	}

	private static RevocationError revocationError(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JwtValidationException validation) {
				for (OAuth2Error error : validation.getErrors()) {
					if (error instanceof RevocationError revocation) {
						return revocation;
					}
				}
			}
		}
		return null;
	}
}
