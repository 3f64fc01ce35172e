package org.revocation.gateway;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.core.requests.BatchRequestBuilder;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.revokesigninsessions.RevokeSignInSessionsPostResponse;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;
import org.revocation.localstack.LocalTls;
import org.revocation.localstack.Ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graph JSON batching, {@code POST /{v1.0|beta}/$batch} (issue 17): the wire format, the limits, each request
 * authorized as its own call, dependsOn, and the batch support of Microsoft's clients unmodified: the Graph Java SDK
 * v6's {@code BatchRequestContent}, and the Graph JavaScript client's (run by Node.js over https, see
 * {@link GraphJsClient}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE, "gateway.in-force-timeout=5s" })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class BatchIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	/** The https connector, for the Graph JavaScript client (it sends its token only over https). */
	private static final int HTTPS_PORT = Ports.free();

	private static final Path TLS = LocalTls.ensure(Path.of("target", "gateway-tls"));

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	RedisClient redis;

	private TestApplier applier;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
		registry.add("revocation.https.port", () -> HTTPS_PORT);
		registry.add("revocation.https.key-store", () -> TLS.resolve("keystore.p12").toAbsolutePath().toString());
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@BeforeEach
	void startApplier() {
		this.redis.flushAll();
		ViewMarkers.markComplete(this.redis);
		this.applier = new TestApplier(this.broker.getBrokersAsString(), this.redis);
	}

	@AfterEach
	void stopApplier() throws Exception {
		this.applier.close();
	}

	@Test
	void batchWhenRevocationsAndReadThenOneResponsePerIdAndEveryRevocationInForce() throws Exception {
		try (Consumer<String, byte[]> events = consumer()) {
			String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
			HttpResponse<String> answer = batch("/v1.0/$batch", token, """
					{"requests":[
					  {"id":"1","method":"POST","url":"/users/%s/revokeSignInSessions"},
					  {"id":"2","method":"POST","url":"users/Carol@Contoso.test/microsoft.graph.revokeSignInSessions",
					   "headers":{"Content-Type":"application/json","client-request-id":"3c7bd1c5-27aa-4fd9-a6e0-4a7d1f9b0002"},
					   "body":{}},
					  {"id":"read","method":"GET","url":"/users/henry@contoso.test?$select=id,userPrincipalName"}
					]}""".formatted(DemoTenant.BOB.id()));
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			assertThat(answer.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
			JsonNode responses = JSON.readTree(answer.body()).get("responses");
			assertThat(responses).hasSize(3);
			assertThat(responses.get(0).get("id").asString()).isEqualTo("1");
			assertThat(responses.get(0).get("status").asInt()).isEqualTo(200);
			assertThat(responses.get(0).get("headers").get("Content-Type").asString()).startsWith("application/json");
			assertThat(responses.get(0).get("body").get("value").asBoolean()).isTrue();
			assertThat(responses.get(0).get("body").get("@odata.context").asString())
				.isEqualTo("http://127.0.0.1:" + this.port + "/v1.0/$metadata#Edm.Boolean");
			assertThat(responses.get(1).get("id").asString()).isEqualTo("2");
			assertThat(responses.get(1).get("status").asInt()).isEqualTo(200);
			assertThat(responses.get(2).get("id").asString()).isEqualTo("read");
			assertThat(responses.get(2).get("status").asInt()).as(responses.get(2).toString()).isEqualTo(200);
			assertThat(responses.get(2).get("body").get("id").asString()).isEqualTo(DemoTenant.HENRY.id());
			// in force when the batch's 200 arrived; one event per revocation
			assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id())).isNotNull();
			assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.CAROL.id())).isNotNull();
			String requestId = answer.headers().firstValue("request-id").orElseThrow();
			List<RevocationEvent> published = new ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(200))) {
					RevocationEvent event = RevocationEventCodec.decode(record.value());
					if (requestId.equals(event.requestId())) {
						published.add(event);
					}
				}
				return published.size() >= 2;
			});
			assertThat(published).extracting(RevocationEvent::userId)
				.containsExactlyInAnyOrder(DemoTenant.BOB.id(), DemoTenant.CAROL.id());
		}
	}

	@Test
	void batchWhenEachRequestAuthorizedOnItsOwnThenOnlyTheRefusedOnesFail() throws Exception {
		Instant started = Instant.now().minusMillis(1);
		// an application that may read users but not revoke their sessions
		String reader = TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All"));
		HttpResponse<String> answer = batch("/beta/$batch", reader, """
				{"requests":[
				  {"id":"a","method":"POST","url":"/users/%s/revokeSignInSessions"},
				  {"id":"b","method":"GET","url":"/users/%s"},
				  {"id":"c","method":"POST","url":"/users/nobody@contoso.test/revokeSignInSessions"},
				  {"id":"d","method":"POST","url":"/me/revokeSignInSessions"},
				  {"id":"e","method":"POST","url":"/$batch","headers":{"Content-Type":"application/json"},"body":{"requests":[]}},
				  {"id":"f","method":"DELETE","url":"/users/%s"}
				]}""".formatted(DemoTenant.BOB.id(), DemoTenant.BOB.id(), DemoTenant.BOB.id()));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		JsonNode responses = JSON.readTree(answer.body()).get("responses");
		assertThat(status(responses, "a")).isEqualTo(403);
		assertThat(find(responses, "a").get("body").get("error").get("code").asString())
			.isEqualTo("Authorization_RequestDenied");
		assertThat(status(responses, "b")).isEqualTo(200);
		assertThat(status(responses, "c")).isEqualTo(404);
		assertThat(status(responses, "d")).isEqualTo(400); // /me needs a delegated token
		assertThat(status(responses, "e")).isEqualTo(400); // no batch within a batch
		assertThat(status(responses, "f")).isEqualTo(405); // no such operation: Graph's error, not a 500
		assertThat(find(responses, "f").get("body").get("error").get("code").asString()).isNotBlank();
		assertNotRevokedSince(DemoTenant.BOB, started);
	}

	@Test
	void batchWhenDependencyFailedThenDependentAnswered424AndNotRun() throws Exception {
		Instant started = Instant.now().minusMillis(1);
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		HttpResponse<String> answer = batch("/v1.0/$batch", token, """
				{"requests":[
				  {"id":"2","method":"POST","url":"/users/%s/revokeSignInSessions","dependsOn":["1"]},
				  {"id":"1","method":"GET","url":"/users/nobody@contoso.test"},
				  {"id":"3","method":"POST","url":"/users/%s/revokeSignInSessions","dependsOn":["4"]},
				  {"id":"4","method":"GET","url":"/users/%s"}
				]}""".formatted(DemoTenant.BOB.id(), DemoTenant.MEGAN.id(), DemoTenant.MEGAN.id()));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		JsonNode responses = JSON.readTree(answer.body()).get("responses");
		assertThat(status(responses, "1")).isEqualTo(404);
		assertThat(status(responses, "2")).isEqualTo(424);
		assertThat(status(responses, "4")).isEqualTo(200);
		assertThat(status(responses, "3")).isEqualTo(200);
		assertNotRevokedSince(DemoTenant.BOB, started);
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.MEGAN.id())).isNotNull();
	}

	@Test
	void batchWhenMoreThanTwentyRequestsThen400AndNothingPublished() throws Exception {
		Instant started = Instant.now().minusMillis(1);
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		List<String> requests = new ArrayList<>();
		for (int i = 1; i <= 21; i++) {
			requests.add("{\"id\":\"" + i + "\",\"method\":\"POST\",\"url\":\"/users/" + DemoTenant.BOB.id()
					+ "/revokeSignInSessions\"}");
		}
		HttpResponse<String> answer = batch("/v1.0/$batch", token, "{\"requests\":[" + String.join(",", requests) + "]}");
		assertGraphError(answer, 400);
		assertThat(answer.body()).contains("exceeds the limit of 20");
		assertNotRevokedSince(DemoTenant.BOB, started);
		// exactly 20 is fine
		HttpResponse<String> twenty = batch("/v1.0/$batch", token,
				"{\"requests\":[" + String.join(",", requests.subList(0, 20)) + "]}");
		assertThat(twenty.statusCode()).as(twenty.body()).isEqualTo(200);
		assertThat(JSON.readTree(twenty.body()).get("responses")).hasSize(20)
			.allSatisfy((response) -> assertThat(response.get("status").asInt()).isEqualTo(200));
	}

	@Test
	void batchWhenMalformedThen400GraphErrorForTheWholeBatch() throws Exception {
		Instant started = Instant.now().minusMillis(1);
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		String revoke = "\"method\":\"POST\",\"url\":\"/users/" + DemoTenant.BOB.id() + "/revokeSignInSessions\"";
		List<String> malformed = List.of("not json", "[]", "{}", "{\"requests\":{}}", "{\"requests\":[]}",
				"{\"requests\":[42]}", "{\"requests\":[{" + revoke + "}]}",
				"{\"requests\":[{\"id\":\"1\"," + revoke + "},{\"id\":\"1\"," + revoke + "}]}",
				"{\"requests\":[{\"id\":\"1\",\"method\":\"TRACE\",\"url\":\"/me\"}]}",
				"{\"requests\":[{\"id\":\"1\",\"method\":\"GET\"}]}",
				"{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"https://graph.microsoft.com/v1.0/me\"}]}",
				"{\"requests\":[{\"id\":\"1\"," + revoke + ",\"body\":{}}]}",
				"{\"requests\":[{\"id\":\"1\"," + revoke + ",\"headers\":[\"x\"]}]}",
				"{\"requests\":[{\"id\":\"1\"," + revoke + ",\"dependsOn\":[\"2\"]}]}",
				"{\"requests\":[{\"id\":\"1\"," + revoke + ",\"dependsOn\":[\"2\"]},{\"id\":\"2\"," + revoke
						+ ",\"dependsOn\":[\"1\"]}]}");
		for (String body : malformed) {
			HttpResponse<String> answer = batch("/v1.0/$batch", token, body);
			assertGraphError(answer, 400);
			assertThat(answer.body()).as(body).contains("\"code\":\"BadRequest\"");
		}
		assertNotRevokedSince(DemoTenant.BOB, started);
		assertGraphError(batch("/v1.0/$batch", "not-a-token", "{\"requests\":[{\"id\":\"1\"," + revoke + "}]}"), 401);
		assertGraphError(batch("/v2.0/$batch", token, "{\"requests\":[{\"id\":\"1\"," + revoke + "}]}"), 400);
	}

	@Test
	void graphSdkBatchRequestContentWhenRevokingAndReadingThenResponsesParsedById() throws Exception {
		GraphServiceClient graph = graph(TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.RevokeSessions.All", "User.Read.All")));
		BatchRequestContent content = new BatchRequestContent(graph);
		// BatchRequestContent needs a content type on every POST step (microsoft-graph-core 3.6.5 throws a
		// NullPointerException for a POST without a body, whatever the server): the action's empty JSON object
		RequestInformation revokeBob = graph.users().byUserId(DemoTenant.BOB.id()).revokeSignInSessions()
			.toPostRequestInformation();
		revokeBob.setStreamContent(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), "application/json");
		RequestInformation revokeCarol = graph.users().byUserId(DemoTenant.CAROL.upn()).revokeSignInSessions()
			.toPostRequestInformation();
		revokeCarol.setStreamContent(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), "application/json");
		String bob = content.addBatchRequestStep(revokeBob);
		String carol = content.addBatchRequestStep(revokeCarol);
		String henry = content.addBatchRequestStep(graph.users().byUserId(DemoTenant.HENRY.upn())
			.toGetRequestInformation((config) -> config.queryParameters.select = new String[] { "id", "displayName" }));
		BatchResponseContent responses = new BatchRequestBuilder(graph.getRequestAdapter()).post(content, null);
		assertThat(responses.getResponsesStatusCode()).containsEntry(bob, 200).containsEntry(carol, 200)
			.containsEntry(henry, 200);
		assertThat(responses.getResponseById(bob, RevokeSignInSessionsPostResponse::createFromDiscriminatorValue)
			.getValue()).isTrue();
		assertThat(responses.getResponseById(carol, RevokeSignInSessionsPostResponse::createFromDiscriminatorValue)
			.getValue()).isTrue();
		User read = responses.getResponseById(henry, User::createFromDiscriminatorValue);
		assertThat(read.getId()).isEqualTo(DemoTenant.HENRY.id());
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id())).isNotNull();
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.CAROL.id())).isNotNull();
	}

	@Test
	void graphJsClientBatchRequestContentWhenRevokingThenResponsesParsedByIdAndEveryRevocationInForce() throws Exception {
		GraphJsClient client = GraphJsClient.installed(); // skips where Node.js, npm or the npm registry is missing
		Instant started = Instant.now().minusMillis(1);
		String gateway = "https://localhost:" + HTTPS_PORT;
		JsonNode result = client.run("batch.mjs", Map.of("GATEWAY_URL", gateway,
				"NODE_EXTRA_CA_CERTS", TLS.resolve("ca.pem").toAbsolutePath().toString(),
				"REVOKER_TOKEN", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.RevokeSessions.All",
						"User.Read.All")),
				"READER_TOKEN", TestTokens.sign(TestTokens.app(DemoTenant.READER_DAEMON, "User.Read.All")),
				"BOB_ID", DemoTenant.BOB.id(), "CAROL_UPN", DemoTenant.CAROL.upn(), "MEGAN_ID", DemoTenant.MEGAN.id(),
				"HENRY_UPN", DemoTenant.HENRY.upn()));
		// Client.initWithMiddleware, v1.0: a read, then revocations depending on it, one of an unknown user
		JsonNode revocations = result.get("revocations");
		assertThat(revocations.propertyNames()).containsExactly("read", "bob", "carol", "megan", "nobody");
		assertThat(revocations.get("read").get("status").asInt()).isEqualTo(200);
		assertThat(revocations.get("read").get("body").get("id").asString()).isEqualTo(DemoTenant.HENRY.id());
		for (String id : List.of("bob", "carol", "megan")) {
			JsonNode revoked = revocations.get(id);
			assertThat(revoked.get("status").asInt()).as(revoked.toString()).isEqualTo(200);
			assertThat(revoked.get("contentType").asString()).startsWith("application/json");
			assertThat(revoked.get("body").get("value").asBoolean()).isTrue();
			assertThat(revoked.get("body").get("@odata.context").asString())
				.isEqualTo(gateway + "/v1.0/$metadata#Edm.Boolean");
		}
		assertThat(revocations.get("nobody").get("status").asInt()).isEqualTo(404);
		assertThat(revocations.get("nobody").get("body").get("error").get("code").asString())
			.isEqualTo("Request_ResourceNotFound");
		// in force when the batch's 200 arrived
		for (DemoTenant.User user : List.of(DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.MEGAN)) {
			String cutoff = TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, user.id());
			assertThat(cutoff).as(user.upn()).isNotNull();
			assertThat(Long.parseLong(cutoff)).as(user.upn()).isGreaterThanOrEqualTo(started.toEpochMilli());
		}
		// Client.init, beta, a reader's token: a serial chain whose refused revocation stops the one after it
		JsonNode refused = result.get("refused");
		assertThat(refused.propertyNames()).containsExactly("1", "2", "3");
		assertThat(refused.get("1").get("status").asInt()).isEqualTo(200);
		assertThat(refused.get("2").get("status").asInt()).isEqualTo(403);
		assertThat(refused.get("2").get("body").get("error").get("code").asString())
			.isEqualTo("Authorization_RequestDenied");
		assertThat(refused.get("3").get("status").asInt()).isEqualTo(424);
		assertNotRevokedSince(DemoTenant.HENRY, started);
	}

	/** The applier of each test replays the topic from its start: only a cutoff set by this test counts. */
	private void assertNotRevokedSince(DemoTenant.User user, Instant started) {
		String cutoff = TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, user.id());
		assertThat(cutoff == null || Long.parseLong(cutoff) < started.toEpochMilli()).as("cutoff %s", cutoff).isTrue();
	}

	private static JsonNode find(JsonNode responses, String id) {
		for (JsonNode response : responses) {
			if (id.equals(response.get("id").asString())) {
				return response;
			}
		}
		throw new AssertionError("no response with id " + id + " in " + responses);
	}

	private static int status(JsonNode responses, String id) {
		return find(responses, id).get("status").asInt();
	}

	private HttpResponse<String> batch(String path, String token, String body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path.replace("$", "%24")))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void assertGraphError(HttpResponse<String> answer, int status) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.body()).startsWith("{\"error\":{\"code\":\"")
			.contains("\"innerError\":{\"date\":\"", "\"request-id\":\"");
	}

	private Consumer<String, byte[]> consumer() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "batch-" + System.nanoTime(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer()).createConsumer();
		this.broker.consumeFromAnEmbeddedTopic(consumer, "revocation-events");
		return consumer;
	}

	private GraphServiceClient graph(String token) {
		AccessTokenProvider tokens = new AccessTokenProvider() {
			@Override
			public String getAuthorizationToken(URI uri, Map<String, Object> context) {
				return token;
			}

			@Override
			public AllowedHostsValidator getAllowedHostsValidator() {
				return new AllowedHostsValidator("127.0.0.1");
			}
		};
		GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens),
				GraphClientFactory.create().build());
		graph.getRequestAdapter().setBaseUrl("http://127.0.0.1:" + this.port + "/v1.0");
		return graph;
	}
}
