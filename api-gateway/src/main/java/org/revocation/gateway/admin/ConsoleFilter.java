package org.revocation.gateway.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's web hygiene, on every {@code /admin} response: a strict Content-Security-Policy (only this origin's
 * scripts, styles and connections; no inline script or style; forms may only go here or to the token-checker's
 * sign-out), no framing, no sniffing, no referrer (the callback's code never leaks), no caching; and the synchronizer
 * token on every state change: a POST without the session's CSRF token is refused before any handler runs.
 */
class ConsoleFilter extends OncePerRequestFilter {

	static final String CSRF_PARAMETER = "_csrf";

	private final String policy;

	ConsoleFilter(String authority) {
		this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				+ "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' "
				+ authority;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("Content-Security-Policy", this.policy);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("Cache-Control", "no-store");
		response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
		if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod()) && !csrfMatches(request)) {
			response.setStatus(HttpServletResponse.SC_FORBIDDEN);
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().write("This form has expired or did not come from the console (CSRF token missing or "
					+ "wrong). Go back, reload the page and try again.");
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean csrfMatches(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		ConsoleSignIn signIn = (session != null) ? (ConsoleSignIn) session.getAttribute(ConsoleSignIn.ATTRIBUTE) : null;
		String presented = request.getParameter(CSRF_PARAMETER);
		return signIn != null && presented != null && MessageDigest.isEqual(
				signIn.csrfToken().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
	}
}
