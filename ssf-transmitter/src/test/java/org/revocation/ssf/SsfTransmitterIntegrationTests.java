package org.revocation.ssf;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jwt.JWTClaimsSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.MutableClock;
import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;
import org.revocation.ssf.stream.StreamStore;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transmitter against a real (embedded KRaft) broker: stream management and its authorization, SETs verified
 * as a receiver must (signature from the published JWKS, {@code typ}, {@code iss}, {@code aud}, event type, subject
 * format), push through a receiver outage of 60 s (on the injected clock) with nothing lost, dead letters, poll with
 * acknowledgements, tenant isolation, and the delivery latency at 100 revocations/s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"revocation.issuer-base-url=" + TestAppTokens.ISSUER_BASE, "ssf.issuer-base-url=http://ssf.test:8083",
				"ssf.push.initial-back-off=10ms", "ssf.push.max-back-off=100ms", "ssf.give-up-after=10m",
				"ssf.poll.max-wait=3s", "ssf.poll.redeliver-after=30s", "revocation.redis.port=1" })
@EmbeddedKafka(partitions = 3, topics = "revocation-events")
class SsfTransmitterIntegrationTests {

	static {
		// the JDK's test HTTP servers (receiver, JWKS) otherwise answer with Nagle's delay (~40 ms per push)
		System.setProperty("sun.net.httpserver.nodelay", "true");
	}

	static final String RECEIVER_APP = "7d951d6d-7058-41ef-b7c7-f952f1b2c75d";

	static final String FABRIKAM_RECEIVER_APP = "c5b0a1de-31f6-4c39-9f2b-3a4d1e6f7a80";

	static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TestReceiver receiver = new TestReceiver();

	private static final MutableClock clock = new MutableClock(Instant.now());

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	SsfProperties properties;

	@Autowired
	KafkaTemplate<String, String> template;

	@Autowired
	ConsumerFactory<?, ?> consumerFactory;

	@Autowired
	KafkaAdmin admin;

	private Producer<String, byte[]> producer;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestAppTokens.clock = clock;
		registry.add("ssf.jwks-uri", TestAppTokens::jwksUrl);
	}

	@TestConfiguration
	static class TestClock {

		@Bean
		@Primary
		Clock testClock() {
			return clock;
		}
	}

	@AfterEach
	void deleteStreams() throws Exception {
		for (String[] app : List.of(new String[] { DemoTenant.CONTOSO, RECEIVER_APP },
				new String[] { DemoTenant.FABRIKAM, FABRIKAM_RECEIVER_APP })) {
			String token = TestAppTokens.app(app[0], app[1], TestAppTokens.PERMISSION);
			HttpResponse<String> list = send("GET", "/" + app[0] + "/ssf/streams", token, null);
			assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
			JsonNode all = JSON.readTree(list.body());
			for (JsonNode stream : all) {
				send("DELETE", "/" + app[0] + "/ssf/streams?stream_id=" + stream.get("stream_id").asString(), token,
						null);
			}
		}
		if (this.producer != null) {
			this.producer.close();
			this.producer = null;
		}
	}

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@Test
	void configurationWhenTenantThenSsfMetadataAtTheWellKnownLocation() throws Exception {
		HttpResponse<String> response = send("GET", "/.well-known/ssf-configuration/" + DemoTenant.CONTOSO, null, null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode metadata = JSON.readTree(response.body());
		String issuer = "http://ssf.test:8083/" + DemoTenant.CONTOSO;
		assertThat(metadata.get("spec_version").asString()).isEqualTo("1_0");
		assertThat(metadata.get("issuer").asString()).isEqualTo(issuer);
		assertThat(metadata.get("jwks_uri").asString()).isEqualTo(issuer + "/ssf/jwks");
		assertThat(metadata.get("delivery_methods_supported").toString())
			.isEqualTo("[\"urn:ietf:rfc:8935\",\"urn:ietf:rfc:8936\"]");
		assertThat(metadata.get("configuration_endpoint").asString()).isEqualTo(issuer + "/ssf/streams");
		assertThat(metadata.get("status_endpoint").asString()).isEqualTo(issuer + "/ssf/status");
		assertThat(metadata.get("add_subject_endpoint").asString()).isEqualTo(issuer + "/ssf/subjects/add");
		assertThat(metadata.get("remove_subject_endpoint").asString()).isEqualTo(issuer + "/ssf/subjects/remove");
		assertThat(metadata.get("verification_endpoint").asString()).isEqualTo(issuer + "/ssf/verify");
		assertThat(metadata.get("authorization_schemes").get(0).get("spec_urn").asString())
			.isEqualTo("urn:ietf:rfc:6749");
		assertThat(send("GET", "/.well-known/ssf-configuration/contoso.test", null, null).statusCode())
			.isEqualTo(404);
		assertThat(send("GET", "/.well-known/ssf-configuration/" + UUID.randomUUID(), null, null).statusCode())
			.isEqualTo(404);
	}

	@Test
	void createStreamWhenNoTokenThen401WithChallenge() throws Exception {
		HttpResponse<String> response = send("POST", streams(DemoTenant.CONTOSO), null, pollStream());

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Bearer"));
		HttpResponse<String> forged = send("POST", streams(DemoTenant.CONTOSO), "Bearer not.a.token", pollStream());
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(forged.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
	}

	@Test
	void createStreamWhenTokenLacksThePermissionThen403InsufficientScope() throws Exception {
		HttpResponse<String> reader = send("POST", streams(DemoTenant.CONTOSO),
				TestAppTokens.app(DemoTenant.CONTOSO, RECEIVER_APP, "User.Read.All"), pollStream());
		HttpResponse<String> delegated = send("POST", streams(DemoTenant.CONTOSO),
				TestAppTokens.delegated(DemoTenant.CONTOSO, RECEIVER_APP, DemoTenant.ADELE.id()), pollStream());

		for (HttpResponse<String> response : List.of(reader, delegated)) {
			assertThat(response.statusCode()).isEqualTo(403);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("error=\"insufficient_scope\"").contains("SharedSignals.ReadWrite.All");
			assertThat(JSON.readTree(response.body()).get("error").asString()).isEqualTo("insufficient_scope");
		}
	}

	@Test
	void createStreamWhenTokenOfAnotherTenantThen401() throws Exception {
		HttpResponse<String> response = send("POST", streams(DemoTenant.CONTOSO),
				TestAppTokens.app(DemoTenant.FABRIKAM, FABRIKAM_RECEIVER_APP, TestAppTokens.PERMISSION), pollStream());

		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void streamWhenManagedThenCreatedReadUpdatedPausedAndDeleted() throws Exception {
		String token = contosoToken();
		HttpResponse<String> created = send("POST", streams(DemoTenant.CONTOSO), token,
				"{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"" + receiver.url("lifecycle")
						+ "\",\"authorization_header\":\"Bearer receiver-secret\"},\"events_requested\":[\""
						+ SESSION_REVOKED + "\",\"https://schemas.openid.net/secevent/caep/event-type/credential-change\"],"
						+ "\"description\":\"lifecycle\"}");

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode stream = JSON.readTree(created.body());
		String id = stream.get("stream_id").asString();
		assertThat(stream.get("iss").asString()).isEqualTo("http://ssf.test:8083/" + DemoTenant.CONTOSO);
		assertThat(stream.get("aud").asString()).isEqualTo(RECEIVER_APP);
		assertThat(stream.get("events_delivered").toString()).isEqualTo("[\"" + SESSION_REVOKED + "\"]");
		assertThat(stream.get("delivery").get("method").asString()).isEqualTo("urn:ietf:rfc:8935");

		HttpResponse<String> read = send("GET", streams(DemoTenant.CONTOSO) + "?stream_id=" + id, token, null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(read.body()).get("description").asString()).isEqualTo("lifecycle");

		HttpResponse<String> patched = send("PATCH", streams(DemoTenant.CONTOSO), token,
				"{\"stream_id\":\"" + id + "\",\"description\":\"patched\"}");
		assertThat(patched.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(patched.body()).get("delivery").get("endpoint_url").asString())
			.isEqualTo(receiver.url("lifecycle"));
		assertThat(JSON.readTree(patched.body()).get("description").asString()).isEqualTo("patched");

		HttpResponse<String> replaced = send("PUT", streams(DemoTenant.CONTOSO), token,
				"{\"stream_id\":\"" + id + "\",\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"}}");
		assertThat(replaced.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(replaced.body()).get("delivery").get("endpoint_url").asString())
			.isEqualTo("http://ssf.test:8083/" + DemoTenant.CONTOSO + "/ssf/poll/" + id);
		assertThat(JSON.readTree(replaced.body()).has("description")).isFalse();

		HttpResponse<String> paused = send("POST", "/" + DemoTenant.CONTOSO + "/ssf/status", token,
				"{\"stream_id\":\"" + id + "\",\"status\":\"paused\",\"reason\":\"maintenance\"}");
		assertThat(paused.statusCode()).isEqualTo(200);
		JsonNode status = JSON.readTree(
				send("GET", "/" + DemoTenant.CONTOSO + "/ssf/status?stream_id=" + id, token, null).body());
		assertThat(status.get("status").asString()).isEqualTo("paused");
		assertThat(status.get("reason").asString()).isEqualTo("maintenance");
		assertThat(send("POST", "/" + DemoTenant.CONTOSO + "/ssf/status", token,
				"{\"stream_id\":\"" + id + "\",\"status\":\"sleeping\"}").statusCode()).isEqualTo(400);

		// the stream lives in the compacted topic: a store started afresh (a restarted transmitter) reads it back
		StreamStore restarted = new StreamStore(this.template, this.consumerFactory, this.admin, this.properties);
		assertThat(restarted.find(DemoTenant.CONTOSO, id)).hasValueSatisfying((s) -> {
			assertThat(s.status()).isEqualTo(Stream.Status.PAUSED);
			assertThat(s.method()).isEqualTo(Stream.Method.POLL);
		});
		// and no other tenant sees it
		String fabrikam = TestAppTokens.app(DemoTenant.FABRIKAM, FABRIKAM_RECEIVER_APP, TestAppTokens.PERMISSION);
		assertThat(send("GET", streams(DemoTenant.FABRIKAM) + "?stream_id=" + id, fabrikam, null).statusCode())
			.isEqualTo(404);

		assertThat(send("DELETE", streams(DemoTenant.CONTOSO) + "?stream_id=" + id, token, null).statusCode())
			.isEqualTo(204);
		assertThat(send("GET", streams(DemoTenant.CONTOSO) + "?stream_id=" + id, token, null).statusCode())
			.isEqualTo(404);
		assertThat(new StreamStore(this.template, this.consumerFactory, this.admin, this.properties)
			.find(DemoTenant.CONTOSO, id)).isEmpty();
	}

	@Test
	void createStreamWhenBodyInvalidThen400() throws Exception {
		String token = contosoToken();
		assertThat(send("POST", streams(DemoTenant.CONTOSO), token, "{not json").statusCode()).isEqualTo(400);
		assertThat(send("POST", streams(DemoTenant.CONTOSO), token,
				"{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"}}").statusCode()).isEqualTo(400);
		assertThat(send("POST", streams(DemoTenant.CONTOSO), token,
				"{\"delivery\":{\"method\":\"urn:example:carrier-pigeon\"}}").statusCode()).isEqualTo(400);
		assertThat(send("POST", streams(DemoTenant.CONTOSO), token, "{\"format\":\"phone_number\"}").statusCode())
			.isEqualTo(400);
	}

	@Test
	void pushWhenRevokedThenVerifiedSetReachesOnlyTheUsersTenant() throws Exception {
		String contoso = createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "contoso", null);
		String fabrikam = createPushStream(DemoTenant.FABRIKAM, FABRIKAM_RECEIVER_APP, "fabrikam", null);
		Instant cutoff = clock.instant();

		publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()), "req-bob"));
		publish(event(DemoTenant.FRANK.tenantId(), DemoTenant.FRANK.id(),
				Actor.application(DemoTenant.FABRIKAM_DAEMON.clientId()), "req-frank"));

		await().atMost(Duration.ofSeconds(30)).until(() -> receiver.endpoint("contoso").accepted.size() >= 1
				&& receiver.endpoint("fabrikam").accepted.size() >= 1);
		TestReceiver.Push push = receiver.endpoint("contoso").accepted.get(0);
		assertThat(push.contentType()).isEqualTo("application/secevent+jwt");
		assertThat(push.authorization()).isEqualTo("Bearer contoso-receiver-secret");
		JWTClaimsSet set = verified(push.token(), DemoTenant.CONTOSO);
		assertThat(set.getAudience()).containsExactly(RECEIVER_APP);
		assertThat(set.getJWTID()).isNotBlank();
		assertThat(set.getIssueTime()).isNotNull();
		assertThat(set.getStringClaim("txn")).isEqualTo("req-bob");
		assertThat(set.getJSONObjectClaim("sub_id")).isEqualTo(Map.of("format", "iss_sub", "iss",
				TestAppTokens.ISSUER_BASE + "/" + DemoTenant.CONTOSO + "/v2.0", "sub", DemoTenant.BOB.id()));
		Map<String, Object> events = set.getJSONObjectClaim("events");
		assertThat(events).containsOnlyKeys(SESSION_REVOKED);
		@SuppressWarnings("unchecked")
		Map<String, Object> revoked = (Map<String, Object>) events.get(SESSION_REVOKED);
		assertThat(((Number) revoked.get("event_timestamp")).longValue()).isEqualTo(cutoff.getEpochSecond());
		assertThat(revoked.get("initiating_entity")).isEqualTo("admin");
		assertThat(revoked).doesNotContainKey("subject");

		JWTClaimsSet fabrikamSet = verified(receiver.endpoint("fabrikam").accepted.get(0).token(), DemoTenant.FABRIKAM);
		assertThat(fabrikamSet.getJSONObjectClaim("sub_id")).containsEntry("sub", DemoTenant.FRANK.id());
		@SuppressWarnings("unchecked")
		Map<String, Object> byApp = (Map<String, Object>) fabrikamSet.getJSONObjectClaim("events").get(SESSION_REVOKED);
		assertThat(byApp.get("initiating_entity")).isEqualTo("policy");
		// each tenant's stream got its own user's event only
		assertThat(receiver.endpoint("contoso").accepted).hasSize(1);
		assertThat(receiver.endpoint("fabrikam").accepted).hasSize(1);
		assertThat(contoso).isNotEqualTo(fabrikam);
	}

	@Test
	void pushWhenStreamAsksForEmailThenEmailSubject() throws Exception {
		createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "email", "email");

		publish(event(DemoTenant.CAROL.tenantId(), DemoTenant.CAROL.id(), Actor.user(DemoTenant.CAROL.id()), "req-c"));

		await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.endpoint("email").accepted.isEmpty());
		JWTClaimsSet set = verified(receiver.endpoint("email").accepted.get(0).token(), DemoTenant.CONTOSO);
		assertThat(set.getJSONObjectClaim("sub_id")).isEqualTo(Map.of("format", "email", "email", "carol@contoso.test"));
	}

	@Test
	void pushWhenReceiverDownFor60SecondsThenEverySetDeliveredInOrderWithTheSameJti() throws Exception {
		TestReceiver.Endpoint endpoint = receiver.endpoint("outage");
		Instant back = clock.instant().plus(Duration.ofSeconds(60));
		endpoint.behavior = (push) -> {
			if (clock.instant().isBefore(back)) {
				clock.advance(Duration.ofSeconds(5)); // the outage passes on the transmitter's clock, not the test's
				return 503;
			}
			return 202;
		};
		createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "outage", null);
		List<DemoTenant.User> users = List.of(DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.MEGAN);

		for (int i = 0; i < 30; i++) {
			DemoTenant.User user = users.get(i % users.size());
			publish(event(user.tenantId(), user.id(), Actor.user(DemoTenant.ADELE.id()), "outage-" + i));
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.accepted.size() >= 30);
		assertThat(clock.instant()).isAfterOrEqualTo(back);
		assertThat(endpoint.attempts.size()).isGreaterThan(30);
		Map<String, List<Integer>> orderPerUser = new HashMap<>();
		Set<String> jtis = new HashSet<>();
		for (TestReceiver.Push push : endpoint.accepted) {
			JWTClaimsSet set = verified(push.token(), DemoTenant.CONTOSO);
			jtis.add(set.getJWTID());
			String sub = (String) set.getJSONObjectClaim("sub_id").get("sub");
			orderPerUser.computeIfAbsent(sub, (k) -> new ArrayList<>())
				.add(Integer.parseInt(set.getStringClaim("txn").substring("outage-".length())));
		}
		assertThat(jtis).hasSize(30);
		orderPerUser.values().forEach((sequence) -> assertThat(sequence).isSorted().hasSize(10));
		// every refused push was one of these SETs, sent again unchanged (same jti)
		Set<String> refused = new HashSet<>();
		for (TestReceiver.Push push : endpoint.attempts) {
			refused.add(verified(push.token(), DemoTenant.CONTOSO).getJWTID());
		}
		assertThat(jtis).containsAll(refused);
	}

	@Test
	void pushWhenReceiverRefusesPastTheBoundThenDeadLetteredWithTheReasonAndTheStreamMovesOn() throws Exception {
		TestReceiver.Endpoint endpoint = receiver.endpoint("dead");
		endpoint.behavior = (push) -> {
			clock.advance(Duration.ofMinutes(2));
			return 503;
		};
		String streamId = createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "dead", null);
		try (Consumer<String, String> dlt = deadLetterConsumer()) {
			publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()), "req-dead"));

			ConsumerRecord<String, String> record = deadLetter(dlt, streamId);
			assertThat(header(record, "ssf-dlt-reason")).startsWith("undelivered for PT1").contains("HTTP 503");
			assertThat(verified(record.value(), DemoTenant.CONTOSO).getStringClaim("txn")).isEqualTo("req-dead");

			endpoint.behavior = (push) -> (push.token().contains(".") && endpoint.accepted.isEmpty()
					&& verifiedTxn(push).equals("req-rejected")) ? 400 : 202;
			publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()),
					"req-rejected"));
			ConsumerRecord<String, String> rejected = deadLetter(dlt, streamId);
			assertThat(header(rejected, "ssf-dlt-reason")).startsWith("receiver rejected the SET: HTTP 400")
				.contains("invalid_request");

			publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()), "req-after"));
			await().atMost(Duration.ofSeconds(30)).until(() -> !endpoint.accepted.isEmpty());
			assertThat(verifiedTxn(endpoint.accepted.get(0))).isEqualTo("req-after");
		}
	}

	@Test
	void pollWhenAcknowledgedThenNotHandedOutAgain() throws Exception {
		String token = contosoToken();
		JsonNode stream = JSON.readTree(send("POST", streams(DemoTenant.CONTOSO), token, pollStream()).body());
		String id = stream.get("stream_id").asString();
		String poll = "/" + DemoTenant.CONTOSO + "/ssf/poll/" + id;
		assertThat(stream.get("delivery").get("endpoint_url").asString()).isEqualTo("http://ssf.test:8083" + poll);

		publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()), "req-poll"));
		// a long poll returns as soon as the SET is there
		JsonNode first = JSON.readTree(send("POST", poll, token, "{\"maxEvents\":10,\"returnImmediately\":false}").body());
		if (first.get("sets").isEmpty()) {
			first = JSON.readTree(send("POST", poll, token, "{\"maxEvents\":10,\"returnImmediately\":false}").body());
		}

		assertThat(first.get("sets").size()).isEqualTo(1);
		String jti = first.get("sets").propertyNames().iterator().next();
		JWTClaimsSet set = verified(first.get("sets").get(jti).asString(), DemoTenant.CONTOSO);
		assertThat(set.getJWTID()).isEqualTo(jti);
		assertThat(set.getStringClaim("txn")).isEqualTo("req-poll");
		assertThat(first.get("moreAvailable").asBoolean()).isFalse();

		JsonNode acked = JSON.readTree(send("POST", poll, token,
				"{\"ack\":[\"" + jti + "\"],\"maxEvents\":10,\"returnImmediately\":true}").body());
		assertThat(acked.get("sets").size()).isZero();
		clock.advance(Duration.ofMinutes(1)); // past the redelivery delay: an acknowledged SET never comes back
		JsonNode later = JSON.readTree(send("POST", poll, token, "{\"returnImmediately\":true}").body());
		assertThat(later.get("sets").size()).isZero();

		// unacknowledged: handed out again after the redelivery delay, same jti
		publish(event(DemoTenant.CAROL.tenantId(), DemoTenant.CAROL.id(), Actor.user(DemoTenant.ADELE.id()), "req-2"));
		JsonNode second = awaitSets(poll, token);
		String unacked = second.get("sets").propertyNames().iterator().next();
		clock.advance(Duration.ofMinutes(1));
		JsonNode again = JSON.readTree(send("POST", poll, token, "{\"returnImmediately\":true}").body());
		assertThat(again.get("sets").has(unacked)).isTrue();

		// setErrs: the SET goes to the dead-letter topic with the receiver's reason
		try (Consumer<String, String> dlt = deadLetterConsumer()) {
			send("POST", poll, token, "{\"setErrs\":{\"" + unacked
					+ "\":{\"err\":\"invalid_key\",\"description\":\"cannot verify\"}},\"returnImmediately\":true}");
			assertThat(header(deadLetter(dlt, id), "ssf-dlt-reason"))
				.isEqualTo("receiver reported setErr: invalid_key: cannot verify");
		}
		assertThat(send("POST", "/" + DemoTenant.CONTOSO + "/ssf/poll/" + id, null, "{}").statusCode()).isEqualTo(401);
	}

	@Test
	void verifyWhenRequestedThenVerificationEventWithTheState() throws Exception {
		String id = createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "verify", null);

		HttpResponse<String> response = send("POST", "/" + DemoTenant.CONTOSO + "/ssf/verify", contosoToken(),
				"{\"stream_id\":\"" + id + "\",\"state\":\"VGhpcyBpcyBhbiBleGFtcGxl\"}");

		assertThat(response.statusCode()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.endpoint("verify").accepted.isEmpty());
		JWTClaimsSet set = verified(receiver.endpoint("verify").accepted.get(0).token(), DemoTenant.CONTOSO);
		assertThat(set.getJSONObjectClaim("sub_id")).isEqualTo(Map.of("format", "opaque", "id", id));
		assertThat(set.getJSONObjectClaim("events"))
			.containsEntry("https://schemas.openid.net/secevent/ssf/event-type/verification",
					Map.of("state", "VGhpcyBpcyBhbiBleGFtcGxl"));
	}

	@Test
	void removeSubjectWhenRemovedThenNoSetForThatUserUntilAddedBack() throws Exception {
		String id = createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "subjects", null);
		String token = contosoToken();
		String carol = "{\"stream_id\":\"" + id + "\",\"subject\":{\"format\":\"email\",\"email\":\"carol@contoso.test\"}}";

		assertThat(send("POST", "/" + DemoTenant.CONTOSO + "/ssf/subjects/remove", token, carol).statusCode())
			.isEqualTo(204);
		publish(event(DemoTenant.CAROL.tenantId(), DemoTenant.CAROL.id(), Actor.user(DemoTenant.ADELE.id()), "req-carol"));
		publish(event(DemoTenant.BOB.tenantId(), DemoTenant.BOB.id(), Actor.user(DemoTenant.ADELE.id()), "req-bob"));
		await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.endpoint("subjects").accepted.isEmpty());
		assertThat(verifiedTxn(receiver.endpoint("subjects").accepted.get(0))).isEqualTo("req-bob");

		assertThat(send("POST", "/" + DemoTenant.CONTOSO + "/ssf/subjects/add", token,
				"{\"stream_id\":\"" + id + "\",\"subject\":{\"format\":\"iss_sub\",\"iss\":\"" + TestAppTokens.ISSUER_BASE
						+ "/" + DemoTenant.CONTOSO + "/v2.0\",\"sub\":\"" + DemoTenant.CAROL.id() + "\"}}")
			.statusCode()).isEqualTo(200);
		publish(event(DemoTenant.CAROL.tenantId(), DemoTenant.CAROL.id(), Actor.user(DemoTenant.ADELE.id()), "req-carol-2"));
		await().atMost(Duration.ofSeconds(30)).until(() -> receiver.endpoint("subjects").accepted.size() >= 2);
		assertThat(verifiedTxn(receiver.endpoint("subjects").accepted.get(1))).isEqualTo("req-carol-2");
		assertThat(receiver.endpoint("subjects").accepted).hasSize(2);
		assertThat(send("POST", "/" + DemoTenant.CONTOSO + "/ssf/subjects/add", token,
				"{\"stream_id\":\"" + id + "\",\"subject\":{\"format\":\"email\",\"email\":\"frank@fabrikam.test\"}}")
			.statusCode()).isEqualTo(400);
	}

	/**
	 * Benchmark-style: 1,000 revocations at 100/s (10 s) after a warm-up of 300, each of another user; prints the
	 * figures and asserts only a generous bound (the machine is shared).
	 */
	@Test
	void pushWhen100RevocationsPerSecondThenSetsDeliveredWithinMilliseconds() throws Exception {
		TestReceiver.Endpoint endpoint = receiver.endpoint("latency");
		createPushStream(DemoTenant.CONTOSO, RECEIVER_APP, "latency", null);
		runAt100PerSecond(endpoint, "warm-", 300);
		List<Long> micros = runAt100PerSecond(endpoint, "lat-", 1000);

		Collections.sort(micros);
		long p50 = micros.get(micros.size() / 2);
		long p99 = micros.get((int) Math.ceil(micros.size() * 0.99) - 1);
		System.out.printf("SSF SET delivery (event produced -> receiver got the SET), %d revocations at 100/s: "
				+ "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", micros.size(), p50 / 1000.0, p99 / 1000.0,
				micros.get(micros.size() - 1) / 1000.0);
		// generous: the build machine is shared (load averages of 30-100 on 2 cores were seen); the figure is printed
		assertThat(p99).isLessThan(60_000_000L);
	}

	private List<Long> runAt100PerSecond(TestReceiver.Endpoint endpoint, String prefix, int count) throws Exception {
		Map<String, Long> sentAt = new ConcurrentHashMap<>();
		AtomicInteger next = new AtomicInteger();
		ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
		try {
			ScheduledFuture<?> load = pacer.scheduleAtFixedRate(() -> {
				int i = next.getAndIncrement();
				if (i >= count) {
					return;
				}
				sentAt.put(prefix + i, System.nanoTime());
				// a revocation per user, as at 100 revocations/s of a real directory (iss_sub needs no directory entry)
				producer().send(record(event(DemoTenant.CONTOSO, UUID.randomUUID().toString(),
						Actor.user(DemoTenant.ADELE.id()), prefix + i)));
			}, 0, 10, TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(180)).until(() -> delivered(endpoint, prefix) >= count);
			load.cancel(false);
		}
		finally {
			pacer.shutdownNow();
		}
		List<Long> micros = new ArrayList<>();
		for (TestReceiver.Push push : endpoint.accepted) {
			String txn = verifiedTxn(push);
			if (txn.startsWith(prefix)) {
				micros.add((push.receivedNanos() - sentAt.get(txn)) / 1000);
			}
		}
		assertThat(micros).hasSize(count);
		return micros;
	}

	/** Counted without verifying (the test verifies each SET afterwards), so counting does not slow delivery. */
	private static long delivered(TestReceiver.Endpoint endpoint, String prefix) {
		return endpoint.accepted.stream().filter((push) -> push.txn().startsWith(prefix)).count();
	}

	// --- helpers

	private String createPushStream(String tenant, String client, String endpoint, String format) throws Exception {
		String body = "{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"" + receiver.url(endpoint)
				+ "\",\"authorization_header\":\"Bearer " + endpoint + "-receiver-secret\"},\"events_requested\":[\""
				+ SESSION_REVOKED + "\"]" + ((format != null) ? ",\"format\":\"" + format + "\"" : "") + "}";
		HttpResponse<String> response = send("POST", streams(tenant),
				TestAppTokens.app(tenant, client, TestAppTokens.PERMISSION), body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body()).get("stream_id").asString();
	}

	private JsonNode awaitSets(String poll, String token) throws Exception {
		JsonNode[] answer = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			answer[0] = JSON.readTree(send("POST", poll, token, "{\"returnImmediately\":true}").body());
			return answer[0].get("sets").size() > 0;
		});
		return answer[0];
	}

	private JWTClaimsSet verified(String token, String tenant) throws Exception {
		JsonNode metadata = JSON.readTree(send("GET", "/.well-known/ssf-configuration/" + tenant, null, null).body());
		// the metadata names the public issuer; the keys are fetched from this test's port
		String jwks = metadata.get("jwks_uri").asString().replace("http://ssf.test:8083", "http://127.0.0.1:" + this.port);
		JWTClaimsSet claims = TestReceiver.verify(token, jwks);
		assertThat(claims.getIssuer()).isEqualTo(metadata.get("issuer").asString());
		assertThat(claims.getJWTID()).isNotBlank();
		Map<String, Object> subject = claims.getJSONObjectClaim("sub_id");
		assertThat(subject.get("format")).isIn("iss_sub", "email", "opaque");
		return claims;
	}

	private String verifiedTxn(TestReceiver.Push push) {
		try {
			return verified(push.token(), DemoTenant.CONTOSO).getStringClaim("txn");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private RevocationEvent event(String tenantId, String userId, Actor actor, String requestId) {
		return RevocationEvent.accepted(tenantId, userId, clock.instant(), actor, requestId, requestId);
	}

	private ProducerRecord<String, byte[]> record(RevocationEvent event) {
		return new ProducerRecord<>("revocation-events", event.key(), RevocationEventCodec.encode(event));
	}

	private void publish(RevocationEvent event) throws Exception {
		producer().send(record(event)).get(10, TimeUnit.SECONDS);
	}

	private synchronized Producer<String, byte[]> producer() {
		if (this.producer == null) {
			Map<String, Object> props = new HashMap<>(KafkaTestUtils.producerProps(this.broker));
			props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
			props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
			props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
			this.producer = new KafkaProducer<>(props);
		}
		return this.producer;
	}

	private Consumer<String, String> deadLetterConsumer() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "dlt-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		Consumer<String, String> consumer = new DefaultKafkaConsumerFactory<String, String>(props).createConsumer();
		consumer.subscribe(List.of(this.properties.deadLetterTopic()));
		return consumer;
	}

	private final Set<String> seenDeadLetters = ConcurrentHashMap.newKeySet();

	private ConsumerRecord<String, String> deadLetter(Consumer<String, String> consumer, String streamId) {
		List<ConsumerRecord<String, String>> found = new ArrayList<>();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
				String jti = header(record, "ssf-dlt-jti");
				if (record.key().equals(streamId) && this.seenDeadLetters.add(jti)) {
					found.add(record);
				}
			}
			return !found.isEmpty();
		});
		return found.get(0);
	}

	private static String header(ConsumerRecord<String, String> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	private static String streams(String tenant) {
		return "/" + tenant + "/ssf/streams";
	}

	private static String contosoToken() {
		return TestAppTokens.app(DemoTenant.CONTOSO, RECEIVER_APP, TestAppTokens.PERMISSION);
	}

	private static String pollStream() {
		return "{\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"},\"events_requested\":[\"" + SESSION_REVOKED + "\"]}";
	}

	private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
