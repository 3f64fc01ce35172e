package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bound on revocations in flight (issue 17): with the worker down, {@code gateway.max-waiting-revocations} wait
 * (and are answered 200, late); the others are refused at once with 503 {@code serviceNotAvailable} and
 * {@code Retry-After}, and counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "gateway.in-force-timeout=4s",
				"gateway.max-waiting-revocations=3", "revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class WaitingBoundIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@Test
	void revokeWhenBoundReachedThen503WithRetryAfterAndCounted() throws Exception {
		try (var redis = redisServer.client()) {
			ViewMarkers.markComplete(redis);
		}
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		HttpClient client = HttpClient.newHttpClient();
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(client.sendAsync(revoke(token), HttpResponse.BodyHandlers.ofString()));
		}
		// the three are published and wait for a worker that is not there
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
			.until(() -> this.meters.get("gateway.revocations.waiting").gauge().value() >= 3);
		HttpResponse<String> refused = client.send(revoke(token), HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
		assertThat(refused.body()).startsWith("{\"error\":{\"code\":\"serviceNotAvailable\"");
		assertThat(refused.headers().firstValue("Retry-After")).contains("1");
		assertThat(this.meters.get("gateway.revocations.refused.busy").counter().count()).isEqualTo(1.0);
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200); // late, but in the log
		}
		// the bound frees up once they are answered
		assertThat(this.meters.get("gateway.revocations.waiting").gauge().value()).isZero();
	}

	private HttpRequest revoke(String token) {
		return HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1.0/users/" + DemoTenant.BOB.id()
					+ "/revokeSignInSessions"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}
}
