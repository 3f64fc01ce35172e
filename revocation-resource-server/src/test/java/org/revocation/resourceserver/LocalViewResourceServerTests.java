package org.revocation.resourceserver;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.testing.DemoTenant;
import org.revocation.resourceserver.cutoff.LocalCutoffView;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stock resource server (public-key JwtDecoder auto-configured by Spring Boot) plus the starter, against an embedded
 * Kafka broker holding the two revocation topics: refusals, fresh sign-ins, the valid-from topic and bad records.
 */
@SpringBootTest(classes = SampleResourceServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "revocation.resource-server.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"revocation.resource-server.max-lag=10s" })
@EmbeddedKafka(partitions = 3, topics = { "revocation-events", "revocation-events-valid-from" })
class LocalViewResourceServerTests {

	@TempDir
	static Path keys;

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	LocalCutoffView view;

	@Autowired
	HealthIndicator revocationViewHealthIndicator;

	private static TestRevocations revocations;

	@DynamicPropertySource
	static void publicKey(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
				() -> "file:" + TestTokens.publicKeyPem(keys));
	}

	@BeforeAll
	static void noProducerYet() {
		revocations = null;
	}

	@AfterAll
	static void closeProducer() {
		if (revocations != null) {
			revocations.close();
		}
	}

	@BeforeEach
	void caughtUp() {
		if (revocations == null) {
			revocations = new TestRevocations(this.broker.getBrokersAsString());
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.view.status().available());
	}

	@Test
	void getWhenSessionRevokedOnEventsTopicThen401WithClaimsChallengeAndFreshSignInAccepted() {
		Instant signedIn = Instant.now().minusSeconds(5);
		String token = TestTokens.delegated(DemoTenant.BOB).signedInAt(signedIn).build();
		assertThat(get(token).statusCode()).isEqualTo(200);

		Instant cutoff = Instant.now();
		revocations.send("revocation-events", TestRevocations.revocation(DemoTenant.BOB, cutoff));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			HttpResponse<String> refused = get(token);
			assertThat(refused.statusCode()).isEqualTo(401);
			String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
			assertThat(challenge).startsWith("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/")
				.contains("error=\"insufficient_claims\", claims=\"");
			String claims = challenge.substring(challenge.indexOf("claims=\"") + 8, challenge.length() - 1);
			assertThat(new String(Base64.getDecoder().decode(claims), StandardCharsets.UTF_8))
				.startsWith("{\"access_token\":{\"nbf\":{\"essential\":true, \"value\":\"");
		});
		String fresh = TestTokens.delegated(DemoTenant.BOB).signedInAt(cutoff.plusSeconds(1)).build();
		assertThat(get(fresh).statusCode()).isEqualTo(200);
		assertThat(get(TestTokens.delegated(DemoTenant.CAROL).build()).statusCode()).isEqualTo(200);
	}

	@Test
	void getWhenCutoffOnlyOnValidFromTopicThenRefused() {
		String token = TestTokens.delegated(DemoTenant.FIONA).signedInAt(Instant.now().minusSeconds(5)).build();
		revocations.send("revocation-events-valid-from", TestRevocations.revocation(DemoTenant.FIONA, Instant.now()));
		await().atMost(Duration.ofSeconds(10)).until(() -> get(token).statusCode() == 401);
	}

	@Test
	void getWhenInvalidRecordOnEventsTopicThenSkippedAndLaterEventsApplied() {
		long invalid = this.view.invalidRecords();
		revocations.send("revocation-events", "x/y", "not json".getBytes(StandardCharsets.UTF_8));
		String token = TestTokens.delegated(DemoTenant.FRANK).signedInAt(Instant.now().minusSeconds(5)).build();
		revocations.send("revocation-events", TestRevocations.revocation(DemoTenant.FRANK, Instant.now()));
		await().atMost(Duration.ofSeconds(10)).until(() -> get(token).statusCode() == 401);
		assertThat(this.view.invalidRecords()).isEqualTo(invalid + 1);
	}

	@Test
	void getWhenOlderCutoffArrivesAfterNewerThenNewerKept() {
		Instant newer = Instant.now();
		revocations.send("revocation-events", TestRevocations.revocation(DemoTenant.MEGAN, newer));
		revocations.send("revocation-events-valid-from",
				TestRevocations.revocation(DemoTenant.MEGAN, newer.minusSeconds(600)));
		String beforeNewer = TestTokens.delegated(DemoTenant.MEGAN).signedInAt(newer.minusSeconds(1)).build();
		await().atMost(Duration.ofSeconds(10)).until(() -> get(beforeNewer).statusCode() == 401);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.view.records() >= 2 && get(beforeNewer).statusCode() == 401);
	}

	@Test
	void getWhenAppOnlyTokenThenAccepted() {
		String app = TestTokens.app(DemoTenant.CONTOSO, DemoTenant.REVOCATION_DAEMON.clientId()).build();
		assertThat(get(app).statusCode()).isEqualTo(200);
	}

	@Test
	void getWhenDelegatedTokenLacksAuthTimeMsThen401InvalidToken() {
		HttpResponse<String> answer = get(TestTokens.delegated(DemoTenant.HENRY).withoutSessionTime().build());
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
	}

	@Test
	void getWhenNoTokenThenStock401() {
		HttpResponse<String> answer = get("not-a-jwt");
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
	}

	@Test
	void healthWhenCaughtUpThenUpWithLag() {
		assertThat(this.revocationViewHealthIndicator.health().getStatus()).isEqualTo(Status.UP);
		assertThat(this.revocationViewHealthIndicator.health().getDetails()).containsEntry("mode", "local-view")
			.containsKey("lagMillis");
	}

	private HttpResponse<String> get(String token) {
		return ResourceServerHttp.get("http://127.0.0.1:" + this.port + "/me", token);
	}
}
