package org.revocation.gateway.graph;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import org.revocation.core.redis.CutoffUnavailableException;

/**
 * Writes every error as a Graph error body (graph-contract.md section 2.1):
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}, bare
 * {@code application/json}.
 */
@RestControllerAdvice
public class GraphErrorHandler {

	private static final Logger log = LoggerFactory.getLogger(GraphErrorHandler.class);

	static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	public GraphErrorHandler(Clock clock) {
		this.clock = clock;
	}

	@ExceptionHandler(GraphException.class)
	ResponseEntity<Map<String, Object>> graph(GraphException ex, HttpServletRequest request) {
		log.info("{} {} answered {} {}", request.getMethod(), request.getRequestURI(), ex.status().value(), ex.code());
		return write(ex, request);
	}

	@ExceptionHandler(CutoffUnavailableException.class)
	ResponseEntity<Map<String, Object>> cutoffUnavailable(CutoffUnavailableException ex, HttpServletRequest request) {
		log.warn("failing closed: {}", ex.getMessage());
		return write(GraphException.serviceUnavailable(1), request);
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException ex, HttpServletRequest request) {
		return write(new GraphException(HttpStatus.METHOD_NOT_ALLOWED, "Request_BadRequest",
				"Specified HTTP method is not allowed for the request target."), request);
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException ex, HttpServletRequest request) {
		return write(new GraphException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "BadRequest",
				"A supported MIME type could not be found that matches the content type of the response. None of the "
						+ "supported type(s) '" + ex.getSupportedMediaTypes() + "' matches the content type '"
						+ ex.getContentType() + "'."),
				request);
	}

	@ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
	ResponseEntity<Map<String, Object>> notAcceptable(HttpMediaTypeNotAcceptableException ex, HttpServletRequest request) {
		return write(new GraphException(HttpStatus.NOT_ACCEPTABLE, "BadRequest",
				"The requested media type is not supported; use application/json."), request);
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException ex, HttpServletRequest request) {
		return write(GraphException.badRequest("The request body is not valid JSON."), request);
	}

	@ExceptionHandler(MissingRequestHeaderException.class)
	ResponseEntity<Map<String, Object>> missingHeader(MissingRequestHeaderException ex, HttpServletRequest request) {
		if (HttpHeaders.AUTHORIZATION.equalsIgnoreCase(ex.getHeaderName())) {
			return write(GraphException.invalidToken("Access token is empty."), request);
		}
		return write(GraphException.badRequest("Missing header '" + ex.getHeaderName() + "'."), request);
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<Map<String, Object>> noRoute(NoResourceFoundException ex, HttpServletRequest request) {
		String path = request.getRequestURI();
		String segment = path.substring(path.lastIndexOf('/') + 1);
		return write(GraphException.badRequest("Resource not found for the segment '" + segment + "'."), request);
	}

	public ResponseEntity<Map<String, Object>> write(GraphException ex, HttpServletRequest request) {
		Map<String, Object> inner = new LinkedHashMap<>();
		inner.put("date", DATE.format(this.clock.instant()));
		inner.put("request-id", GraphRequestFilter.requestId(request));
		inner.put("client-request-id", GraphRequestFilter.clientRequestId(request));
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", ex.code());
		error.put("message", ex.getMessage());
		error.put("innerError", inner);
		HttpHeaders headers = new HttpHeaders();
		ex.headers().forEach(headers::set);
		return ResponseEntity.status(ex.status()).headers(headers).contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", error));
	}
}
