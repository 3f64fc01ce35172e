package org.revocation.ssf.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Writes every expected failure as {@code {"error":…,"error_description":…}}; nothing here answers 500. */
@RestControllerAdvice
class SsfErrorHandler {

	@ExceptionHandler(SsfException.class)
	ResponseEntity<Map<String, String>> ssf(SsfException ex) {
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(ex.status()).header(HttpHeaders.CACHE_CONTROL, "no-store");
		if (ex.challenge() != null) {
			answer.header(HttpHeaders.WWW_AUTHENTICATE, ex.challenge());
		}
		return answer.body(body(ex.error(), ex.getMessage()));
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
			MissingRequestHeaderException.class })
	ResponseEntity<Map<String, String>> badRequest(Exception ex) {
		return ResponseEntity.badRequest().body(body("invalid_request", ex.getMessage()));
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(body("invalid_request", ex.getMessage()));
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<Map<String, String>> method(HttpRequestMethodNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).body(body("invalid_request", ex.getMessage()));
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<Map<String, String>> notFound(NoResourceFoundException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND).body(body("not_found", "No such endpoint."));
	}

	private static Map<String, String> body(String error, String description) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return body;
	}
}
