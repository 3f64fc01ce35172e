package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting does not exhaust the gateway (issue 10): 5,000 revocations wait at once for a worker that never writes; every
 * one is answered 200 after the bound, and health stays up meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "gateway.in-force-timeout=3s",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE, "server.tomcat.max-connections=10000",
				"server.tomcat.accept-count=10000",
				// this test is about waiting for the worker, not about Kafka's speed on a saturated 2-core machine
				"gateway.kafka-send-timeout=90s", "spring.kafka.producer.properties.delivery.timeout.ms=85000",
				"spring.kafka.producer.properties.request.timeout.ms=30000", "spring.kafka.producer.properties.linger.ms=5",
				// and the servlet container must not time the asynchronous request out first (its default is 30 s)
				"spring.mvc.async.request-timeout=150s" })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class ManyWaitingRevocationsIntegrationTests {

	private static final int REVOCATIONS = 5_000;

	private static final TestRedis redisServer = TestRedis.start();

	@LocalServerPort
	int port;

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
	void revokeWhenWorkerPausedAndThousandsWaitThenAllAnsweredAndHealthUp() throws Exception {
		try (var redis = redisServer.client()) {
			ViewMarkers.markComplete(redis);
		}
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		String[] users = { DemoTenant.BOB.id(), DemoTenant.CAROL.id(), DemoTenant.HENRY.id(), DemoTenant.MEGAN.id() };
		var executor = Executors.newFixedThreadPool(64);
		try {
			HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(30)).build();
			List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>(REVOCATIONS);
			for (int i = 0; i < REVOCATIONS; i++) {
				answers.add(client.sendAsync(HttpRequest
					.newBuilder(URI.create(base() + "/v1.0/users/" + users[i % users.length] + "/revokeSignInSessions"))
					.header("Authorization", "Bearer " + token)
					.timeout(Duration.ofSeconds(120))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.discarding()));
			}
			// while they wait, the gateway still answers its health check (on a busy 2-core CI machine the 5,000
			// requests queue ahead of it in Tomcat: the bound is generous, the point is that it answers UP)
			HttpResponse<String> health = HttpClient.newHttpClient().send(
					HttpRequest.newBuilder(URI.create(base() + "/actuator/health")).timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"UP\"");
			CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
			long ok = answers.stream().filter((a) -> a.join().statusCode() == 200).count();
			assertThat(ok).isEqualTo(REVOCATIONS);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}
}
