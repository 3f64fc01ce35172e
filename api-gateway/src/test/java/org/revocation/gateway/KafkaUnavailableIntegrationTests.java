package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka unreachable: 503 serviceNotAvailable with Retry-After within the bound, never 200. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.kafka-send-timeout=2s", "spring.kafka.producer.properties.max.block.ms=1500",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
class KafkaUnavailableIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final int CLOSED_PORT = TestRedis.freePort();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + CLOSED_PORT);
		registry.add("gateway.jwks-uri", () -> JwksServer.url());
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@Test
	void revokeWhenKafkaUnreachableThen503WithRetryAfterWithinBound() throws Exception {
		long started = System.nanoTime();
		HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1.0/users/bob@contoso.test/revokeSignInSessions"))
			.header("Authorization", "Bearer " + TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.body()).startsWith("{\"error\":{\"code\":\"serviceNotAvailable\"");
		assertThat(answer.headers().firstValue("Retry-After")).isPresent();
		assertThat(took).isLessThan(Duration.ofSeconds(10));
	}
}
