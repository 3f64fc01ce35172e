package org.revocation.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import org.revocation.core.testing.DemoTenant;
import org.revocation.e2e.resourceserver.SampleResourceServerApplication;
import org.revocation.localstack.LocalSystem;
import org.revocation.localstack.LocalTls;
import org.revocation.localstack.Ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sample resource server built only from Spring Boot's resource-server starter and revocation-resource-server,
 * started in this JVM against the real processes: a revoked session's access token is refused (401 with the claims
 * challenge) right after the revoke's 200, a fresh sign-in's token is accepted, and requests fail closed (503 with
 * {@code Retry-After}) while the local view cannot be current (Kafka unreachable at start, Kafka gone while running).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceServerEndToEndTests {

	private static final int REVOCATIONS = 50;

	private static final DemoTenant.User[] USERS = { DemoTenant.ADELE, DemoTenant.MEGAN, DemoTenant.HENRY,
			DemoTenant.BOB, DemoTenant.CAROL };

	private static LocalSystem system;

	private static ConfigurableApplicationContext resourceServer;

	private static SSLContext previousTls;

	private static SSLSocketFactory previousSocketFactory;

	@BeforeAll
	static void startSystemAndResourceServer() throws Exception {
		system = new LocalSystem().start();
		// the resource server reads the issuer's discovery document over https, signed by the local CA
		previousTls = SSLContext.getDefault();
		previousSocketFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
		SSLContext tls = LocalTls.clientContext(system.tls);
		SSLContext.setDefault(tls);
		HttpsURLConnection.setDefaultSSLSocketFactory(tls.getSocketFactory());
		resourceServer = resourceServer(system.kafka.bootstrapServers());
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
			.until(() -> get(resourceServer, Clients.signIn(system, DemoTenant.BOB).text("access_token")).status() == 200);
	}

	@AfterAll
	static void stopAll() {
		if (resourceServer != null) {
			resourceServer.close();
		}
		if (system != null) {
			system.close();
		}
		if (previousTls != null) {
			SSLContext.setDefault(previousTls);
			HttpsURLConnection.setDefaultSSLSocketFactory(previousSocketFactory);
		}
	}

	@Test
	@Order(1)
	void getWhenSessionRevokedThroughGatewayThenRefusedWithClaimsChallengeAndFreshSignInAccepted() {
		String app = Clients.appToken(system);
		List<Long> latenciesMicros = new ArrayList<>();
		int refusedAtFirstRequest = 0;
		for (int i = 0; i < REVOCATIONS; i++) {
			DemoTenant.User user = USERS[i % USERS.length];
			// a fresh sign-in (after this user's previous revocation, if any) is accepted
			String token = Clients.signIn(system, user).text("access_token");
			Http.Answer before = get(resourceServer, token);
			assertThat(before.status()).as(before.response().body()).isEqualTo(200);
			assertThat(before.text("oid")).isEqualTo(user.id());

			Http.Answer revoked = Http.post(system.graph() + "/users/" + user.upn() + "/revokeSignInSessions", app);
			long ok = System.nanoTime();
			assertThat(revoked.status()).isEqualTo(200);
			Http.Answer refused = get(resourceServer, token);
			if (refused.status() == 401) {
				refusedAtFirstRequest++;
			}
			while (refused.status() == 200 && System.nanoTime() - ok < Duration.ofSeconds(10).toNanos()) {
				refused = get(resourceServer, token); // bounded: each GET is a real round trip, no sleep
			}
			latenciesMicros.add((System.nanoTime() - ok) / 1000);
			assertThat(refused.status()).isEqualTo(401);
			assertThat(refused.response().headers().firstValue("WWW-Authenticate").orElseThrow())
				.startsWith("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"")
				.contains("error=\"insufficient_claims\", claims=\"");
		}
		Collections.sort(latenciesMicros);
		long p50 = latenciesMicros.get(latenciesMicros.size() / 2);
		long p99 = latenciesMicros.get((int) Math.ceil(latenciesMicros.size() * 0.99) - 1);
		System.out.printf("resource server: revoke 200 -> first 401 over %d revocations: p50 %.2f ms, p99 %.2f ms, "
				+ "max %.2f ms; refused by the first request after the 200: %d%n", latenciesMicros.size(), p50 / 1000.0,
				p99 / 1000.0, latenciesMicros.get(latenciesMicros.size() - 1) / 1000.0, refusedAtFirstRequest);
		assertThat(p99).as("p99 refusal latency (generous bound on a loaded machine; target 50 ms)")
			.isLessThan(Duration.ofSeconds(2).toNanos() / 1000);
	}

	@Test
	@Order(2)
	void getWhenAppOnlyTokenThenAccepted() {
		assertThat(get(resourceServer, Clients.appToken(system)).status()).isEqualTo(200);
	}

	@Test
	@Order(3)
	void getWhenKafkaUnreachableAtStartThen503WithRetryAfterNeverOpen() {
		String token = Clients.signIn(system, DemoTenant.HENRY).text("access_token");
		try (ConfigurableApplicationContext cutOff = resourceServer("127.0.0.1:" + Ports.free())) {
			Http.Answer answer = get(cutOff, token);
			assertThat(answer.status()).isEqualTo(503);
			assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("1");
			assertThat(answer.text("error")).isEqualTo("temporarily_unavailable");
		}
	}

	@Test
	@Order(4)
	void getWhenKafkaStopsThenFailsClosedAfterMaxLagAndRecoversWhenBack() {
		String token = Clients.signIn(system, DemoTenant.CAROL).text("access_token");
		assertThat(get(resourceServer, token).status()).isEqualTo(200);
		system.kafka.kill();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> {
				Http.Answer answer = get(resourceServer, token);
				assertThat(answer.status()).isEqualTo(503);
				assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("1");
			});
		system.kafka.start();
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
			.until(() -> get(resourceServer, token).status() == 200);
	}

	private static ConfigurableApplicationContext resourceServer(String bootstrapServers) {
		return new SpringApplicationBuilder(SampleResourceServerApplication.class).properties(Map.of(
				"server.port", "0", "server.address", "127.0.0.1", "spring.main.banner-mode", "off",
				"spring.application.name", "sample-resource-server",
				"spring.security.oauth2.resourceserver.jwt.issuer-uri",
				"https://localhost:" + system.tokenCheckerHttpsPort + "/" + DemoTenant.CONTOSO + "/v2.0",
				"revocation.resource-server.bootstrap-servers", bootstrapServers,
				"revocation.resource-server.max-lag", "10s"))
			.run();
	}

	private static Http.Answer get(ConfigurableApplicationContext server, String token) {
		return Http.get("http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port") + "/me", token);
	}
}
