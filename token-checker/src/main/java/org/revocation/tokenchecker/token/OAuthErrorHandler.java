package org.revocation.tokenchecker.token;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import org.revocation.core.redis.CutoffUnavailableException;

/**
 * Writes every error of the identity endpoints as Microsoft does: a JSON body with {@code error},
 * {@code error_description} ("AADSTSnnnnn: text" + trace, correlation and timestamp lines), {@code error_codes},
 * {@code timestamp}, {@code trace_id}, {@code correlation_id}, {@code error_uri} (graph-contract.md section 3.1).
 */
@RestControllerAdvice
class OAuthErrorHandler {

	private static final Logger log = LoggerFactory.getLogger(OAuthErrorHandler.class);

	static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	static final MediaType JSON_UTF8 = MediaType.parseMediaType("application/json; charset=utf-8");

	private final Clock clock;

	OAuthErrorHandler(Clock clock) {
		this.clock = clock;
	}

	@ExceptionHandler(OAuthException.class)
	ResponseEntity<Map<String, Object>> oauth(OAuthException ex, HttpServletRequest request) {
		log.info("{} {} refused: {} AADSTS{}", request.getMethod(), request.getRequestURI(), ex.error(), ex.code());
		return write(ex, request);
	}

	@ExceptionHandler(TenantNotFoundException.class)
	ResponseEntity<Map<String, Object>> tenant(TenantNotFoundException ex, HttpServletRequest request) {
		return write(OAuthException.unknownTenant(ex.tenant()), request);
	}

	@ExceptionHandler(CutoffUnavailableException.class)
	ResponseEntity<Map<String, Object>> cutoffUnavailable(CutoffUnavailableException ex, HttpServletRequest request) {
		// fail closed: a session whose cutoff cannot be known is never honoured (DESIGN.md section 2)
		log.warn("failing closed on {}: {}", request.getRequestURI(), ex.getMessage());
		return write(OAuthException.temporarilyUnavailable(), request);
	}

	@ExceptionHandler(MissingServletRequestParameterException.class)
	ResponseEntity<Map<String, Object>> missingParameter(MissingServletRequestParameterException ex,
			HttpServletRequest request) {
		return write(OAuthException.missingParameter(ex.getParameterName()), request);
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException ex, HttpServletRequest request) {
		return write(new OAuthException(HttpStatus.METHOD_NOT_ALLOWED, "invalid_request", 900561,
				"The endpoint only accepts " + String.join(", ", ex.getSupportedMethods()) + " requests. Received a "
						+ ex.getMethod() + " request."),
				request);
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException ex, HttpServletRequest request) {
		return write(OAuthException.invalidRequest(900144,
				"The request body must contain the following parameter: 'grant_type'."), request);
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<Map<String, Object>> notFound(NoResourceFoundException ex, HttpServletRequest request) {
		return write(new OAuthException(HttpStatus.NOT_FOUND, "not_found", 900561,
				"The requested endpoint does not exist."), request);
	}

	ResponseEntity<Map<String, Object>> write(OAuthException ex, HttpServletRequest request) {
		String traceId = TraceIds.traceId(request);
		String correlationId = TraceIds.correlationId(request);
		String timestamp = TIMESTAMP.format(this.clock.instant());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", ex.error());
		body.put("error_description", "AADSTS" + ex.code() + ": " + ex.getMessage() + "\r\nTrace ID: " + traceId
				+ "\r\nCorrelation ID: " + correlationId + "\r\nTimestamp: " + timestamp);
		body.put("error_codes", List.of(ex.code()));
		body.put("timestamp", timestamp);
		body.put("trace_id", traceId);
		body.put("correlation_id", correlationId);
		body.put("error_uri", "https://login.microsoftonline.com/error?code=" + ex.code());
		if (ex.suberror() != null) {
			body.put("suberror", ex.suberror());
		}
		HttpHeaders headers = noStoreHeaders();
		headers.set("x-ms-request-id", traceId);
		headers.set("x-ms-clitelem", "1," + ex.code() + ",0,,");
		if (ex.status() == HttpStatus.SERVICE_UNAVAILABLE) {
			headers.set(HttpHeaders.RETRY_AFTER, "1");
		}
		return ResponseEntity.status(ex.status()).headers(headers).contentType(JSON_UTF8).body(body);
	}

	static HttpHeaders noStoreHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.CACHE_CONTROL, "no-store, no-cache");
		headers.set(HttpHeaders.PRAGMA, "no-cache");
		headers.set(HttpHeaders.EXPIRES, "-1");
		headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
		headers.set("X-Content-Type-Options", "nosniff");
		return headers;
	}
}
