package org.revocation.gateway.graph;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error report (the answer to a request Tomcat refuses before any servlet sees it: malformed
 * percent-encoding, an encoded NUL or backslash, a request line over the header size limit) written as a Graph error
 * body instead of Tomcat's HTML page, so a Graph client always gets what graph-contract.md section 2.1 describes.
 * Installed as the host's error report valve by {@link GraphErrorPages}.
 */
public class GraphErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		String requestId = response.getHeader("request-id");
		if (requestId == null) {
			requestId = UUID.randomUUID().toString();
			response.setHeader("request-id", requestId);
			response.setHeader("client-request-id", requestId);
		}
		String clientRequestId = response.getHeader("client-request-id");
		String body = "{\"error\":{\"code\":\"" + code(status) + "\",\"message\":\"" + message(status)
				+ "\",\"innerError\":{\"date\":\"" + GraphErrorHandler.DATE.format(Instant.now()) + "\",\"request-id\":\""
				+ requestId + "\",\"client-request-id\":\"" + clientRequestId + "\"}}}";
		try {
			response.setContentType("application/json");
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away, or the response cannot take a body: nothing more to tell
		}
	}

	static String code(int status) {
		return switch (status) {
			case 401 -> "InvalidAuthenticationToken";
			case 403 -> "Authorization_RequestDenied";
			case 404 -> "Request_ResourceNotFound";
			case 405 -> "Request_BadRequest";
			case 413 -> "RequestEntityTooLarge";
			case 415 -> "UnsupportedMediaType";
			case 429 -> "TooManyRequests";
			case 503 -> "serviceNotAvailable";
			default -> (status < 500) ? "BadRequest" : "generalException";
		};
	}

	static String message(int status) {
		return switch (status) {
			case 404 -> "The requested resource does not exist.";
			case 413 -> "The request is larger than the server accepts.";
			case 503 -> "The service is temporarily unavailable. Please retry after the period in the Retry-After header.";
			default -> (status < 500) ? "The request is malformed or incorrect."
					: "An unexpected error occurred while processing the request.";
		};
	}
}
