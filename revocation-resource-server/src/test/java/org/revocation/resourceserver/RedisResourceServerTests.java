package org.revocation.resourceserver;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** Mode redis: cutoffs read with revocation-core's reader from a real Redis in the pipeline's layout. */
@SpringBootTest(classes = SampleResourceServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "revocation.resource-server.mode=redis")
class RedisResourceServerTests {

	private static final TestRedis redis = TestRedis.start();

	@TempDir
	static Path keys;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
				() -> "file:" + TestTokens.publicKeyPem(keys));
		registry.add("revocation.resource-server.redis.host", () -> "127.0.0.1");
		registry.add("revocation.resource-server.redis.port", redis::port);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void viewComplete() {
		try (RedisClient client = redis.client()) {
			ViewMarkers.markComplete(client);
		}
	}

	@Test
	void getWhenCutoffInRedisThenRefusedAndFreshSignInAccepted() {
		Instant cutoff = Instant.now();
		String token = TestTokens.delegated(DemoTenant.BOB).signedInAt(cutoff.minusSeconds(5)).build();
		assertThat(get(token).statusCode()).isEqualTo(200);
		RedisKeys.Slot slot = RedisKeys.cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id());
		try (RedisClient client = redis.client()) {
			client.hset(slot.key(), slot.field(), Long.toString(cutoff.toEpochMilli()));
		}
		HttpResponse<String> refused = get(token);
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_claims\"");
		assertThat(get(TestTokens.delegated(DemoTenant.BOB).signedInAt(cutoff.plusSeconds(1)).build()).statusCode())
			.isEqualTo(200);
	}

	@Test
	void getWhenViewIncompleteMarkerMissingThen503() {
		try (RedisClient client = redis.client()) {
			ViewMarkers.clear(client);
		}
		HttpResponse<String> answer = get(TestTokens.delegated(DemoTenant.CAROL).build());
		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
	}

	private HttpResponse<String> get(String token) {
		return ResourceServerHttp.get("http://127.0.0.1:" + this.port + "/me", token);
	}
}
