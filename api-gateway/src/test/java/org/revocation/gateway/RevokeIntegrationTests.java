package org.revocation.gateway;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The revoke action against a real (embedded KRaft) broker and a real Redis: the exact 200, one event per
 * revocation, authorization, Graph errors, and 503 when Kafka cannot take the event.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "gateway.in-force-timeout=300ms",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class RevokeIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	RedisClient redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@BeforeEach
	void viewComplete() {
		this.redis.flushAll();
		ViewMarkers.markComplete(this.redis);
	}

	@Test
	void revokeWhenAppHasPermissionThenExact200AndOneEvent() throws Exception {
		try (Consumer<String, byte[]> consumer = consumer()) {
			HttpResponse<String> byUpn = revoke("/v1.0/users/Bob@Contoso.test/revokeSignInSessions",
					TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")));
			assertThat(byUpn.statusCode()).isEqualTo(200);
			assertThat(byUpn.body()).isEqualTo("{\"@odata.context\":\"http://127.0.0.1:" + this.port
					+ "/v1.0/$metadata#Edm.Boolean\",\"value\":true}");
			assertThat(byUpn.headers().firstValue("request-id")).isPresent();
			assertThat(byUpn.headers().firstValue("OData-Version")).contains("4.0");
			assertThat(byUpn.headers().firstValue("Content-Type")).get().asString().startsWith("application/json;odata.metadata=minimal");

			HttpResponse<String> byId = revoke("/beta/users/" + DemoTenant.BOB.id() + "/microsoft.graph.revokeSignInSessions",
					TestTokens.sign(TestTokens.app(DemoTenant.DIRECTORY_DAEMON, "Directory.ReadWrite.All")),
					Map.of("client-request-id", "3c7bd1c5-27aa-4fd9-a6e0-4a7d1f9b0001"));
			assertThat(byId.statusCode()).isEqualTo(200);
			assertThat(byId.body()).contains("/beta/$metadata#Edm.Boolean");
			assertThat(byId.headers().firstValue("client-request-id")).contains("3c7bd1c5-27aa-4fd9-a6e0-4a7d1f9b0001");

			List<ConsumerRecord<String, byte[]>> records = toList(
					KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(10), 2).records("revocation-events"));
			assertThat(records).hasSize(2);
			RevocationEvent first = RevocationEventCodec.decode(records.get(0).value());
			assertThat(records.get(0).key()).isEqualTo(DemoTenant.CONTOSO + "/" + DemoTenant.BOB.id());
			assertThat(first.userId()).isEqualTo(DemoTenant.BOB.id());
			assertThat(first.actor().id()).isEqualTo(DemoTenant.REVOCATION_DAEMON.clientId());
			assertThat(first.requestId()).isEqualTo(byUpn.headers().firstValue("request-id").orElseThrow());
			RevocationEvent second = RevocationEventCodec.decode(records.get(1).value());
			assertThat(second.clientRequestId()).isEqualTo("3c7bd1c5-27aa-4fd9-a6e0-4a7d1f9b0001");
		}
	}

	@Test
	void revokeWhenWorkerAppliesCutoffThenAnsweredInForce() throws Exception {
		Thread applier = new Thread(() -> {
			try (Consumer<String, byte[]> consumer = consumer()) {
				for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(10), 1)) {
					RevocationEvent event = RevocationEventCodec.decode(record.value());
					new CutoffScript().apply(this.redis, event.tenantId(), event.userId(),
							event.validFrom());
				}
			}
		});
		applier.start();
		HttpResponse<String> answer = revoke("/v1.0/users/" + DemoTenant.CAROL.id() + "/revokeSignInSessions",
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.RevokeSessions.All")));
		assertThat(answer.statusCode()).isEqualTo(200);
		applier.join(10_000);
		String validFrom = TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.CAROL.id());
		assertThat(validFrom).isNotNull();

		// read your revocation: the property shows the new cutoff right after the 200
		HttpResponse<String> read = get("/v1.0/users/" + DemoTenant.CAROL.upn() + "?$select=displayName,signInSessionsValidFromDateTime",
				TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All")));
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).contains("\"signInSessionsValidFromDateTime\":\""
				+ Instant.ofEpochMilli(Long.parseLong(validFrom)) + "\"")
			.contains("$metadata#users(displayName,signInSessionsValidFromDateTime)/$entity");
	}

	@Test
	void getUserWhenNotSelectedThenNoValidFromAndNeverRevokedEqualsCreation() throws Exception {
		String reader = TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All"));
		HttpResponse<String> plain = get("/v1.0/users/" + DemoTenant.HENRY.id(), reader);
		assertThat(plain.statusCode()).isEqualTo(200);
		assertThat(plain.body()).contains("\"userPrincipalName\":\"henry@contoso.test\"").doesNotContain("ValidFrom");
		HttpResponse<String> beta = get("/beta/users/henry@contoso.test?$select=refreshTokensValidFromDateTime,signInSessionsValidFromDateTime", reader);
		assertThat(beta.body()).contains("\"refreshTokensValidFromDateTime\":\"2024-01-15T09:10:00Z\"",
				"\"signInSessionsValidFromDateTime\":\"2024-01-15T09:10:00Z\"");
		assertGraphError(get("/v1.0/users/henry@contoso.test?$select=password", reader), 400, "BadRequest");
		assertGraphError(get("/v1.0/users/henry@contoso.test?$expand=manager", reader), 400, "BadRequest");
	}

	@Test
	void listUsersWhenTopThenPagedWithNextLink() throws Exception {
		String reader = TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All"));
		HttpResponse<String> first = get("/v1.0/users?$top=3&$select=id", reader);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).contains("\"@odata.nextLink\":\"http://127.0.0.1:" + this.port + "/v1.0/users?$top=3&$select=id&$skiptoken=3\"");
		HttpResponse<String> second = get("/v1.0/users?$top=3&$select=id&$skiptoken=3", reader);
		assertThat(second.body()).doesNotContain("nextLink").contains(DemoTenant.CAROL.id());
		assertGraphError(get("/v1.0/me", reader), 400, "BadRequest");
	}

	@Test
	void listUsersWhenFilterStartswithThenOnlyMatchesAndNextLinkKeepsTheFilter() throws Exception {
		String reader = TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All"));
		String filter = "startswith(displayName,'b') or startswith(userPrincipalName,'c')";
		HttpResponse<String> first = get("/v1.0/users?$select=id&$top=1&$filter="
				+ URLEncoder.encode(filter, StandardCharsets.UTF_8), reader);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).contains(DemoTenant.BOB.id()).doesNotContain(DemoTenant.ADELE.id())
			.contains("&$filter=startswith(displayName,'b')%20or%20startswith(userPrincipalName,'c')&$skiptoken=1");
		HttpResponse<String> second = get("/v1.0/users?$select=id&$top=1&$skiptoken=1&$filter="
				+ URLEncoder.encode(filter, StandardCharsets.UTF_8), reader);
		assertThat(second.body()).contains(DemoTenant.CAROL.id()).doesNotContain("nextLink");
		assertGraphError(get("/v1.0/users?$filter=" + URLEncoder.encode("jobTitle eq 'x'", StandardCharsets.UTF_8),
				reader), 400, "BadRequest");
	}

	@Test
	void revokeWhenNotAllowedThenGraphErrors() throws Exception {
		assertGraphError(revoke("/v1.0/users/bob@contoso.test/revokeSignInSessions",
				TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All"))), 403,
				"Authorization_RequestDenied");
		assertGraphError(revoke("/v1.0/users/nobody@contoso.test/revokeSignInSessions",
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"))), 404,
				"Request_ResourceNotFound");
		assertGraphError(revoke("/v1.0/users/" + DemoTenant.FRANK.id() + "/revokeSignInSessions",
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"))), 404,
				"Request_ResourceNotFound");
		assertGraphError(revoke("/v1.0/me/revokeSignInSessions",
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"))), 400, "BadRequest");
	}

	@Test
	void revokeWhenBadTokenThen401WithWwwAuthenticate() throws Exception {
		var claims = TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All");
		for (String token : List.of("", "not-a-jwt", TestTokens.unsigned(claims), TestTokens.hmacWithPublicKey(claims),
				TestTokens.sign(claims.build(), TestTokens.generate()),
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")
					.expirationTime(java.util.Date.from(Instant.now().minusSeconds(3600)))),
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")
					.audience("https://example.org")),
				TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")
					.issuer("https://evil.example/" + DemoTenant.CONTOSO + "/v2.0")))) {
			HttpResponse<String> answer = revoke("/v1.0/users/bob@contoso.test/revokeSignInSessions", token);
			assertGraphError(answer, 401, "InvalidAuthenticationToken");
			assertThat(answer.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer realm=\"\"");
		}
		HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/v1.0/users/bob@contoso.test/revokeSignInSessions"))
			.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertGraphError(none, 401, "InvalidAuthenticationToken");
	}

	@Test
	void revokeWhenDelegatedSessionRevokedThenCaeChallenge() throws Exception {
		Instant signedIn = Instant.now().minusSeconds(60);
		new CutoffScript().apply(this.redis, DemoTenant.CONTOSO, DemoTenant.ADELE.id(),
				Instant.now().minusSeconds(5));
		HttpResponse<String> answer = revoke("/v1.0/me/revokeSignInSessions", TestTokens.sign(
				TestTokens.user(DemoTenant.ADELE, DemoTenant.CONTOSO_PORTAL, signedIn, "User.ReadWrite.All")));
		assertGraphError(answer, 401, "InvalidAuthenticationToken");
		assertThat(answer.headers().firstValue("WWW-Authenticate")).get().asString()
			.contains("error=\"insufficient_claims\"", "claims=\"");
	}

	private static void assertGraphError(HttpResponse<String> answer, int status, String code) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.body()).startsWith("{\"error\":{\"code\":\"" + code + "\",\"message\":")
			.contains("\"innerError\":{\"date\":\"", "\"request-id\":\"", "\"client-request-id\":\"");
		assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
	}

	private HttpResponse<String> revoke(String path, String token) throws Exception {
		return revoke(path, token, Map.of());
	}

	private HttpResponse<String> revoke(String path, String token, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.noBody());
		headers.forEach(request::header);
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path.replace("$", "%24")))
			.header("Authorization", "Bearer " + token)
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	private Consumer<String, byte[]> consumer() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + System.nanoTime(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer()).createConsumer();
		this.broker.consumeFromAnEmbeddedTopic(consumer, "revocation-events");
		return consumer;
	}

	private static <T> List<T> toList(Iterable<T> iterable) {
		List<T> list = new java.util.ArrayList<>();
		iterable.forEach(list::add);
		return list;
	}
}
