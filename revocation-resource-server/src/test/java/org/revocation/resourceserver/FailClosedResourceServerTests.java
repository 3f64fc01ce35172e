package org.revocation.resourceserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka unreachable from the start: the view never catches up, so delegated tokens get 503, never 200. */
@SpringBootTest(classes = SampleResourceServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "revocation.resource-server.retry-after=2s")
class FailClosedResourceServerTests {

	@TempDir
	static Path keys;

	@LocalServerPort
	int port;

	@Autowired
	HealthIndicator revocationViewHealthIndicator;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
				() -> "file:" + TestTokens.publicKeyPem(keys));
		registry.add("revocation.resource-server.bootstrap-servers", () -> "127.0.0.1:" + closedPort());
	}

	@Test
	void getWhenViewNotCaughtUpThen503WithRetryAfter() {
		HttpResponse<String> answer = get(TestTokens.delegated(DemoTenant.BOB).build());
		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(answer.body()).contains("\"error\":\"temporarily_unavailable\"");
		assertThat(this.revocationViewHealthIndicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void getWhenViewNotCaughtUpAndAppOnlyTokenThenAccepted() {
		String app = TestTokens.app(DemoTenant.CONTOSO, DemoTenant.REVOCATION_DAEMON.clientId()).build();
		assertThat(get(app).statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String token) {
		return ResourceServerHttp.get("http://127.0.0.1:" + this.port + "/me", token);
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
