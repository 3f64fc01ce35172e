package org.revocation.tokenchecker.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The token endpoint against a real Redis: grants, the revocation check, failing closed, bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenEndpointIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final String SCOPES = "openid profile offline_access User.Read";

	@LocalServerPort
	int port;

	@Autowired
	RedisClient redis;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@BeforeEach
	void viewComplete() {
		// a test may have restarted Redis: the pool drops its broken connections on first use
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			this.redis.flushAll();
			ViewMarkers.markComplete(this.redis);
		});
	}

	@Test
	void refreshWhenSessionRevokedThenInvalidGrantWithAadsts50173AndFreshSignInWorks() {
		TokenClient client = client();
		String bob = client.signIn(DemoTenant.BOB).text("refresh_token");
		String carol = client.signIn(DemoTenant.CAROL).text("refresh_token");
		TokenClient.Answer refreshed = client.refresh(bob);
		assertThat(refreshed.status()).isEqualTo(200);
		String rotated = refreshed.text("refresh_token");
		assertThat(rotated).isNotEqualTo(bob);

		revoke(DemoTenant.BOB, Instant.now());

		for (String token : new String[] { bob, rotated }) {
			TokenClient.Answer refused = client.refresh(token);
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.response().headers().firstValue("Content-Type")).get().asString()
				.startsWith("application/json");
			assertThat(refused.text("error")).isEqualTo("invalid_grant");
			assertThat(refused.text("suberror")).isEqualTo("bad_token");
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: The provided grant has expired due to "
					+ "it being revoked, a fresh auth token is needed.")
				.contains("\r\nTrace ID: " + refused.text("trace_id"))
				.contains("\r\nCorrelation ID: " + refused.text("correlation_id"));
			assertThat(refused.json().get("error_codes").get(0).asInt()).isEqualTo(50173);
			assertThat(refused.text("timestamp")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");
			assertThat(refused.response().headers().firstValue("x-ms-request-id")).contains(refused.text("trace_id"));
		}
		TokenClient.Answer fresh = client.signIn(DemoTenant.BOB);
		assertThat(client.refresh(fresh.text("refresh_token")).status()).isEqualTo(200);
		assertThat(client.refresh(carol).status()).isEqualTo(200);
	}

	@Test
	void tokenWhenRedisViewIncompleteThenTemporarilyUnavailable() {
		TokenClient client = client();
		String bob = client.signIn(DemoTenant.BOB).text("refresh_token");
		ViewMarkers.clear(this.redis);
		TokenClient.Answer refused = client.refresh(bob);
		assertThat(refused.status()).isEqualTo(503);
		assertThat(refused.text("error")).isEqualTo("temporarily_unavailable");
		assertThat(client.signInAnswer(DemoTenant.BOB).status()).isEqualTo(503);
	}

	@Test
	void tokenWhenRedisDownThenTemporarilyUnavailable() {
		TokenClient client = client();
		String bob = client.signIn(DemoTenant.BOB).text("refresh_token");
		redisServer.stop();
		try {
			assertThat(client.refresh(bob).text("error")).isEqualTo("temporarily_unavailable");
		}
		finally {
			redisServer.restart();
		}
	}

	@Test
	void clientCredentialsWhenValidThenAppTokenWithRoles() {
		TokenClient.Answer answer = client().post(DemoTenant.CONTOSO,
				Map.of("grant_type", "client_credentials", "client_id", DemoTenant.REVOCATION_DAEMON.clientId(),
						"client_secret", DemoTenant.REVOCATION_DAEMON.secret(), "scope",
						"https://graph.microsoft.com/.default"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.text("token_type")).isEqualTo("Bearer");
		assertThat(TokenClient.claims(answer.text("access_token"))).contains("\"roles\":[\"User.ReadWrite.All\"]",
				"\"idtyp\":\"app\"", "\"iss\":\"https://localhost:8443/" + DemoTenant.CONTOSO + "/v2.0\"");
	}

	@Test
	void signInThenUserTokensCarryWhatMsalNeeds() {
		TokenClient.Answer answer = client().signIn(DemoTenant.BOB);
		assertThat(answer.text("id_token")).isNotBlank();
		assertThat(answer.text("client_info")).isNotBlank();
		assertThat(answer.text("scope")).isEqualTo(SCOPES);
		assertThat(TokenClient.claims(answer.text("access_token"))).contains("\"auth_time_ms\":", "\"scp\":\"User.Read\"",
				"\"oid\":\"" + DemoTenant.BOB.id() + "\"", "\"aud\":\"https://graph.microsoft.com\"");
	}

	@Test
	void tokenWhenBadInputThenMicrosoftStyleErrorsAndNo5xx() {
		TokenClient client = client();
		assertError(client.post(DemoTenant.CONTOSO, Map.of("grant_type", "client_credentials", "client_id",
				DemoTenant.REVOCATION_DAEMON.clientId(), "client_secret", "wrong", "scope",
				"https://graph.microsoft.com/.default")), 401, "invalid_client", 7000215);
		assertError(client.post(DemoTenant.CONTOSO, Map.of("grant_type", "magic", "client_id",
				DemoTenant.CONTOSO_CLI.clientId())), 400, "unsupported_grant_type", 70003);
		assertError(client.post("nowhere.test", Map.of("grant_type", "password")), 400, "invalid_request", 90002);
		assertError(client.post(DemoTenant.CONTOSO, Map.of("grant_type", "password", "client_id",
				"00000000-0000-0000-0000-000000000000")), 400, "unauthorized_client", 700016);
		assertError(client.post(DemoTenant.CONTOSO, Map.of("grant_type", "password", "client_id",
				DemoTenant.CONTOSO_CLI.clientId(), "username", DemoTenant.BOB.upn(), "password", "wrong", "scope", SCOPES)),
				400, "invalid_grant", 50126);
		assertError(client.refreshAnswer("garbage"), 400, "invalid_grant", 9002313);
		assertError(client.post(DemoTenant.CONTOSO, Map.of("client_id", DemoTenant.CONTOSO_CLI.clientId())), 400,
				"invalid_request", 900144);
		String bob = client.signIn(DemoTenant.BOB).text("refresh_token");
		assertError(client.post(DemoTenant.FABRIKAM, Map.of("grant_type", "refresh_token", "client_id",
				DemoTenant.FABRIKAM_DAEMON.clientId(), "client_secret", DemoTenant.FABRIKAM_DAEMON.secret(),
				"refresh_token", bob)), 400, "invalid_grant", 70000);
		assertThat(client.get("/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token").status()).isEqualTo(405);
		assertThat(client.get("/nowhere").status()).isEqualTo(404);
	}

	@Test
	void discoveryWhenByDomainThenTenantIdIssuerAndTwoKeys() {
		TokenClient client = client();
		TokenClient.Answer doc = client.get("/contoso.test/v2.0/.well-known/openid-configuration");
		assertThat(doc.text("issuer")).isEqualTo("https://localhost:8443/" + DemoTenant.CONTOSO + "/v2.0");
		TokenClient.Answer keys = client.get("/" + DemoTenant.CONTOSO + "/discovery/v2.0/keys");
		assertThat(keys.json().get("keys").size()).isGreaterThanOrEqualTo(2);
		assertThat(keys.response().body()).doesNotContain("\"d\"");
	}

	private static void assertError(TokenClient.Answer answer, int status, String error, int code) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.text("error")).isEqualTo(error);
		assertThat(answer.text("error_description")).startsWith("AADSTS" + code + ": ");
		assertThat(answer.json().get("error_codes").get(0).asInt()).isEqualTo(code);
		assertThat(answer.text("trace_id")).isNotBlank();
	}

	private void revoke(DemoTenant.User user, Instant cutoff) {
		new CutoffScript().apply(this.redis, user.tenantId(), user.id(), cutoff);
	}

	private TokenClient client() {
		return new TokenClient("http://127.0.0.1:" + this.port);
	}
}
