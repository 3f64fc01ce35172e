package org.revocation.gateway.admin;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleFilterTests {

	private final ConsoleFilter filter = new ConsoleFilter("http://127.0.0.1:8081");

	@Test
	void doFilterWhenPageThenStrictContentSecurityPolicy() throws Exception {
		MockHttpServletResponse response = run(new MockHttpServletRequest("GET", "/admin"));
		assertThat(response.getHeader("Content-Security-Policy")).startsWith("default-src 'self'; script-src 'self'; "
				+ "style-src 'self';").endsWith("form-action 'self' http://127.0.0.1:8081");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
	}

	@Test
	void doFilterWhenPostWithoutTheSessionsCsrfTokenThen403() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/admin/users/bob/revoke");
		request.setSession(signedIn());
		request.addParameter(ConsoleFilter.CSRF_PARAMETER, "forged");
		MockHttpServletResponse response = run(request);
		assertThat(response.getStatus()).isEqualTo(403);
		assertThat(response.getContentAsString()).contains("CSRF");

		MockHttpServletRequest anonymous = new MockHttpServletRequest("POST", "/admin/signout");
		anonymous.addParameter(ConsoleFilter.CSRF_PARAMETER, "the-token");
		assertThat(run(anonymous).getStatus()).isEqualTo(403);
	}

	@Test
	void doFilterWhenPostWithTheSessionsCsrfTokenThenPassesOn() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/admin/users/bob/revoke");
		request.setSession(signedIn());
		request.addParameter(ConsoleFilter.CSRF_PARAMETER, "the-token");
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request, new MockHttpServletResponse(), chain);
		assertThat(chain.getRequest()).isSameAs(request);
	}

	private MockHttpServletResponse run(MockHttpServletRequest request) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

	private static MockHttpSession signedIn() {
		MockHttpSession session = new MockHttpSession();
		session.setAttribute(ConsoleSignIn.ATTRIBUTE, new ConsoleSignIn("token", Instant.now().plusSeconds(60), "id",
				"Adele Vance", "adele@contoso.test", "the-token"));
		return session;
	}
}
