package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;
import org.revocation.localstack.LocalTls;
import org.revocation.localstack.Ports;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same Graph surface over https (DESIGN.md section 5: Microsoft's Graph JavaScript client sends its bearer token
 * only over https), with the local TLS material.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "gateway.in-force-timeout=200ms",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class HttpsIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final int HTTPS_PORT = Ports.free();

	private static final Path TLS = tls();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
		registry.add("revocation.https.port", () -> HTTPS_PORT);
		registry.add("revocation.https.key-store", () -> TLS.resolve("keystore.p12").toString());
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@Test
	void revokeAndReadWhenOverHttpsThenSameAnswers() throws Exception {
		try (var redis = redisServer.client()) {
			ViewMarkers.markComplete(redis);
		}
		HttpClient https = HttpClient.newBuilder().sslContext(sslContext()).build();
		String base = "https://localhost:" + HTTPS_PORT;
		HttpResponse<String> revoked = https.send(HttpRequest
			.newBuilder(URI.create(base + "/v1.0/users/bob@contoso.test/revokeSignInSessions"))
			.header("Authorization", "Bearer " + TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(revoked.body()).isEqualTo("{\"@odata.context\":\"" + base + "/v1.0/$metadata#Edm.Boolean\",\"value\":true}");
		HttpResponse<String> users = https.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/users?%24top=1"))
			.header("Authorization", "Bearer " + TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All")))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(users.statusCode()).isEqualTo(200);
		assertThat(users.body()).contains("\"@odata.nextLink\":\"" + base + "/v1.0/users?$top=1&$skiptoken=1\"");
	}

	private static SSLContext sslContext() {
		return LocalTls.clientContext(TLS);
	}

	private static Path tls() {
		try {
			return LocalTls.ensure(Files.createTempDirectory("gateway-tls"));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
