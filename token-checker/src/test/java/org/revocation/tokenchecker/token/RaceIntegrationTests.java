package org.revocation.tokenchecker.token;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.directory.Application;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5's race: 1,000 rounds of a refresh sent at the same moment as the revocation of the same user (the worker's
 * write of the cutoff). Whichever wins the race, once the revocation is written nothing of the old session is
 * honoured: not its refresh token, not its access token (introspection), and not the tokens a refresh that won the
 * race got. Counts the survivors — there must be none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RaceIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(RaceIntegrationTests.class);

	private static final TestRedis redisServer = TestRedis.start();

	private static final int ROUNDS = Integer.getInteger("race.rounds", 1_000);

	@LocalServerPort
	int port;

	@Autowired
	RedisClient redis;

	@Autowired
	Directory directory;

	@Autowired
	TokenIssuer issuer;

	@Autowired
	RevocationCheck revocationCheck;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void refreshRacingRevocationWhenRevocationWrittenThenNothingOfTheOldSessionSurvives() throws Exception {
		ViewMarkers.markComplete(this.redis);
		Tenant tenant = this.directory.tenant(DemoTenant.CONTOSO).orElseThrow();
		Application cli = tenant.application(DemoTenant.CONTOSO_CLI.clientId()).orElseThrow();
		List<DirectoryUser> users = tenant.users();
		CutoffScript script = new CutoffScript();
		TokenClient client = new TokenClient("http://127.0.0.1:" + this.port);
		ExecutorService racers = Executors.newFixedThreadPool(2);
		int refreshWonTheRace = 0;
		int survivors = 0;
		try {
			for (int round = 0; round < ROUNDS; round++) {
				DirectoryUser user = users.get(round % users.size());
				Instant signedIn = this.revocationCheck.stampSignIn(tenant.id(), user.id());
				Map<String, Object> tokens = this.issuer.userTokens(tenant, cli, user, UUID.randomUUID().toString(),
						signedIn, new LinkedHashSet<>(Set.of("openid", "offline_access", "User.Read")));
				String refreshToken = (String) tokens.get("refresh_token");
				CountDownLatch start = new CountDownLatch(1);
				Future<TokenClient.Answer> refresh = racers.submit(() -> {
					start.await();
					return client.refresh(refreshToken);
				});
				Future<Boolean> revoke = racers.submit(() -> {
					start.await();
					Instant now = Instant.now();
					return script.apply(this.redis, tenant.id(), user.id(), now);
				});
				start.countDown();
				TokenClient.Answer raced = refresh.get(30, TimeUnit.SECONDS);
				revoke.get(30, TimeUnit.SECONDS);
				// the revocation is written: from now on nothing of the old session may be honoured
				survivors += honoured(client, refreshToken, (String) tokens.get("access_token"));
				if (raced.status() == 200) {
					refreshWonTheRace++;
					survivors += honoured(client, raced.text("refresh_token"), raced.text("access_token"));
				}
			}
		}
		finally {
			racers.shutdownNow();
		}
		log.info("race: {} rounds, the refresh won the race {} times, survivors {}", ROUNDS, refreshWonTheRace,
				survivors);
		assertThat(survivors).isZero();
	}

	private int honoured(TokenClient client, String refreshToken, String accessToken) throws Exception {
		int honoured = 0;
		TokenClient.Answer refresh = client.refresh(refreshToken);
		if (refresh.status() != 400 || !refresh.text("error_description").startsWith("AADSTS50173: ")) {
			honoured++;
		}
		HttpResponse<String> introspection = HttpClient.newHttpClient().send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/" + DemoTenant.CONTOSO + "/oauth2/v2.0/introspect"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((DemoTenant.CONTOSO_PORTAL.clientId()
					+ ":" + DemoTenant.CONTOSO_PORTAL.secret()).getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8)))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (!introspection.body().equals("{\"active\":false}")) {
			honoured++;
		}
		return honoured;
	}
}
