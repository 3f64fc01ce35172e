package org.revocation.gateway.graph;

import java.io.IOException;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The headers Graph puts on every response (graph-contract.md section 2.4): {@code request-id}, the caller's
 * {@code client-request-id} echoed (or the request-id), {@code x-ms-ags-diagnostic} and HSTS. Both ids go into the MDC
 * so every log line of the request names them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class GraphRequestFilter extends OncePerRequestFilter {

	static final String REQUEST_ID = GraphRequestFilter.class.getName() + ".requestId";

	static final String CLIENT_REQUEST_ID = GraphRequestFilter.class.getName() + ".clientRequestId";

	private static final String DIAGNOSTIC = "{\"ServerInfo\":{\"DataCenter\":\"Local\",\"Slice\":\"E\",\"Ring\":\"1\","
			+ "\"ScaleUnit\":\"000\",\"RoleInstance\":\"api-gateway\"}}";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String requestId = UUID.randomUUID().toString();
		String clientRequestId = request.getHeader("client-request-id");
		if (clientRequestId == null || clientRequestId.isBlank() || clientRequestId.length() > 128) {
			clientRequestId = requestId;
		}
		request.setAttribute(REQUEST_ID, requestId);
		request.setAttribute(CLIENT_REQUEST_ID, clientRequestId);
		response.setHeader("request-id", requestId);
		response.setHeader("client-request-id", clientRequestId);
		response.setHeader("x-ms-ags-diagnostic", DIAGNOSTIC);
		response.setHeader("Strict-Transport-Security", "max-age=31536000");
		MDC.put("request-id", requestId);
		MDC.put("client-request-id", clientRequestId);
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove("request-id");
			MDC.remove("client-request-id");
		}
	}

	public static String requestId(HttpServletRequest request) {
		return (String) request.getAttribute(REQUEST_ID);
	}

	public static String clientRequestId(HttpServletRequest request) {
		return (String) request.getAttribute(CLIENT_REQUEST_ID);
	}
}
