package org.revocation.tokenchecker.token;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

/** The trace id (ours, per request) and correlation id (the client's {@code client-request-id}, else a new one). */
final class TraceIds {

	private static final String TRACE = TraceIds.class.getName() + ".trace";

	private static final String CORRELATION = TraceIds.class.getName() + ".correlation";

	private TraceIds() {
	}

	static String traceId(HttpServletRequest request) {
		Object id = request.getAttribute(TRACE);
		if (id == null) {
			id = UUID.randomUUID().toString();
			request.setAttribute(TRACE, id);
		}
		return (String) id;
	}

	static String correlationId(HttpServletRequest request) {
		Object id = request.getAttribute(CORRELATION);
		if (id == null) {
			String given = request.getHeader("client-request-id");
			if (given == null) {
				given = request.getParameter("client-request-id");
			}
			id = isGuid(given) ? given : UUID.randomUUID().toString();
			request.setAttribute(CORRELATION, id);
		}
		return (String) id;
	}

	private static boolean isGuid(String value) {
		try {
			return value != null && value.length() == 36 && UUID.fromString(value) != null;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}
}
