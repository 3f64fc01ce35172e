package org.revocation.tokenchecker.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.MutableClock;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The browser flow over plain HTTP against a real Redis, time moved by hand (a {@link MutableClock} is the service's
 * clock): sign-in page → code (PKCE) → tokens; the session cookie; revocation sending the browser back to the
 * sign-in page; introspection; smart lockout; failing closed; and the bad input of the code flow.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "token-checker.lockout.threshold=3", "token-checker.lockout.duration=60s" })
class BrowserFlowIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final MutableClock clock = new MutableClock(Instant.now());

	@LocalServerPort
	int port;

	@Autowired
	RedisClient redis;

	@TestConfiguration
	static class Clocks {

		@Bean
		@Primary
		Clock testClock() {
			return clock;
		}
	}

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
		clock.set(Instant.now());
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			this.redis.flushAll();
			ViewMarkers.markComplete(this.redis);
		});
	}

	@Test
	void browserFlowWhenSignedInThenCodeTokensAndSsoUntilRevokedThenSignInPageAgain() {
		Browser browser = browser();
		String[] pkce = Browser.pkce();
		HttpResponse<String> page = browser.authorize("contoso.test", Browser.authorizeParameters(pkce[1], Map.of()));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
		assertThat(page.body()).contains("<form method=\"post\"", "name=\"password\"", "s&lt;t&gt;a&amp;te&quot;1")
			.doesNotContain("<script");

		HttpResponse<String> signedIn = browser.submit("contoso.test", page, DemoTenant.BOB.upn(),
				DemoTenant.BOB.password());
		assertThat(signedIn.statusCode()).isEqualTo(302);
		assertThat(signedIn.headers().firstValue("Location")).get().asString().startsWith(Browser.REDIRECT_URI + "?code=");
		assertThat(signedIn.headers().firstValue("Set-Cookie")).get().asString()
			.startsWith("rsv_session=").contains("HttpOnly", "SameSite=Lax", "Path=/").doesNotContain("Secure");
		Map<String, String> callback = Browser.redirectParameters(signedIn);
		assertThat(callback.get("state")).isEqualTo("s<t>a&te\"1");

		TokenClient.Answer tokens = redeem(callback.get("code"), pkce[0], Browser.REDIRECT_URI);
		assertThat(tokens.status()).as(tokens.response().body()).isEqualTo(200);
		assertThat(tokens.text("refresh_token")).isNotBlank();
		assertThat(tokens.text("id_token")).isNotBlank();
		assertThat(tokens.text("client_info")).isNotBlank();
		assertThat(introspect(tokens.text("access_token")).json().get("active").asBoolean()).isTrue();
		assertThat(introspect(tokens.text("refresh_token")).json().get("active").asBoolean()).isTrue();

		// single sign-on: the cookie gives a code without the page
		String[] again = Browser.pkce();
		HttpResponse<String> silent = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(again[1],
				Map.of("prompt", "none")));
		assertThat(silent.statusCode()).isEqualTo(302);
		assertThat(redeem(Browser.redirectParameters(silent).get("code"), again[0], Browser.REDIRECT_URI).status())
			.isEqualTo(200);
		// prompt=login asks again
		assertThat(browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(again[1],
				Map.of("prompt", "login"))).statusCode()).isEqualTo(200);

		clock.advance(Duration.ofSeconds(5));
		revoke(DemoTenant.BOB, clock.instant());

		HttpResponse<String> none = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(again[1],
				Map.of("prompt", "none")));
		assertThat(none.statusCode()).isEqualTo(302);
		Map<String, String> refused = Browser.redirectParameters(none);
		assertThat(refused).doesNotContainKey("code").containsEntry("error", "login_required")
			.containsEntry("state", "s<t>a&te\"1");
		assertThat(refused.get("error_description")).startsWith("AADSTS50058: ");
		HttpResponse<String> pageAgain = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(again[1],
				Map.of()));
		assertThat(pageAgain.statusCode()).isEqualTo(200);
		assertThat(pageAgain.body()).contains("<form method=\"post\"");
		assertThat(pageAgain.headers().firstValue("Set-Cookie")).get().asString().contains("Max-Age=0");
		TokenClient.Answer old = new TokenClient(base()).refresh(tokens.text("refresh_token"));
		assertThat(old.status()).isEqualTo(400);
		assertThat(old.text("error_description")).startsWith("AADSTS50173: ");
		assertThat(introspect(tokens.text("access_token")).response().body()).isEqualTo("{\"active\":false}");
		assertThat(introspect(tokens.text("refresh_token")).response().body()).isEqualTo("{\"active\":false}");

		// signing in again after the revocation works at once
		HttpResponse<String> fresh = browser.submit(DemoTenant.CONTOSO, pageAgain, DemoTenant.BOB.upn(),
				DemoTenant.BOB.password());
		TokenClient.Answer freshTokens = redeem(Browser.redirectParameters(fresh).get("code"), again[0],
				Browser.REDIRECT_URI);
		assertThat(freshTokens.status()).isEqualTo(200);
		assertThat(new TokenClient(base()).refresh(freshTokens.text("refresh_token")).status()).isEqualTo(200);
		assertThat(introspect(freshTokens.text("access_token")).json().get("active").asBoolean()).isTrue();
	}

	/**
	 * DESIGN.md section 2 with skewed clocks: the checker's clock (this service's) ahead of or behind the gateway's
	 * (which stamps the cutoff) by up to the allowance. A session that signed in before the revocation is refused
	 * (refresh and introspection); a sign-in made after it is honoured at once.
	 */
	@Test
	void ruleWhenCheckerAndGatewayClocksSkewedWithinTheAllowanceThenOldRefusedAndFreshHonoured() {
		long allowance = 1_000; // revocation.clock-skew-allowance, the default
		long[][] skews = { { 0, 0 }, { allowance / 2, -allowance / 2 }, { -allowance / 2, allowance / 2 },
				{ allowance, 0 }, { 0, allowance }, { -allowance, 0 }, { 0, -allowance } };
		DemoTenant.User[] users = { DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.MEGAN, DemoTenant.HENRY };
		TokenClient client = new TokenClient(base());
		for (int i = 0; i < skews.length; i++) {
			long checker = skews[i][0];
			long gateway = skews[i][1];
			DemoTenant.User user = users[i % users.length];
			RedisKeys.Slot slot = RedisKeys.cutoff(user.tenantId(), user.id());
			this.redis.hdel(slot.key(), slot.field());
			Instant trueTime = Instant.now();
			clock.set(trueTime.plusMillis(checker));
			TokenClient.Answer old = client.signIn(user);
			revoke(user, trueTime.plusMillis(1 + gateway)); // the gateway's stamp, one true millisecond later
			clock.set(trueTime.plusMillis(2 + checker));
			String skew = "checker " + checker + " ms, gateway " + gateway + " ms";
			assertThat(client.refresh(old.text("refresh_token")).status()).as(skew).isEqualTo(400);
			assertThat(introspect(old.text("access_token")).response().body()).as(skew).isEqualTo("{\"active\":false}");
			TokenClient.Answer fresh = client.signIn(user);
			assertThat(client.refresh(fresh.text("refresh_token")).status()).as(skew).isEqualTo(200);
			assertThat(introspect(fresh.text("access_token")).json().get("active").asBoolean()).as(skew).isTrue();
		}
	}

	@Test
	void codeWhenSessionRevokedBeforeRedemptionThenAadsts50173() {
		Browser browser = browser();
		String[] pkce = Browser.pkce();
		String code = signIn(browser, DemoTenant.CAROL, pkce[1]);
		clock.advance(Duration.ofSeconds(2));
		revoke(DemoTenant.CAROL, clock.instant());
		TokenClient.Answer refused = redeem(code, pkce[0], Browser.REDIRECT_URI);
		assertError(refused, 400, "invalid_grant", 50173);
	}

	@Test
	void codeFlowWhenBadInputThenMicrosoftStyleErrorsAndNo5xx() {
		Browser browser = browser();
		String[] pkce = Browser.pkce();
		// wrong redirect URI: an error page, never a redirect to it
		HttpResponse<String> wrongRedirect = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of("redirect_uri", "https://evil.example/callback")));
		assertThat(wrongRedirect.statusCode()).isEqualTo(400);
		assertThat(wrongRedirect.headers().firstValue("Location")).isEmpty();
		assertThat(wrongRedirect.body()).contains("AADSTS50011");
		HttpResponse<String> unknownClient = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of("client_id", "00000000-0000-0000-0000-000000000000")));
		assertThat(unknownClient.statusCode()).isEqualTo(400);
		assertThat(unknownClient.body()).contains("AADSTS700016");
		assertThat(browser.authorize("nowhere.test", Browser.authorizeParameters(pkce[1], Map.of())).body())
			.contains("AADSTS90002");
		// a public client without PKCE, or with plain PKCE: an error at the redirect URI
		Map<String, String> noPkce = new HashMap<>(Browser.authorizeParameters(pkce[1], Map.of()));
		noPkce.remove("code_challenge");
		assertThat(Browser.redirectParameters(browser.authorize(DemoTenant.CONTOSO, noPkce)))
			.containsEntry("error", "invalid_request");
		assertThat(Browser.redirectParameters(browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of("code_challenge_method", "plain"))))).containsEntry("error", "invalid_request");
		assertThat(Browser.redirectParameters(browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of("response_type", "token"))))).containsEntry("error", "unsupported_response_type");

		String code = signIn(browser, DemoTenant.HENRY, pkce[1]);
		assertError(redeem(code, pkce[0], "http://localhost:9999"), 400, "invalid_grant", 70000); // other redirect
		assertError(redeem(code, Browser.pkce()[0], Browser.REDIRECT_URI), 400, "invalid_grant", 501481); // PKCE
		assertError(redeem(code, null, Browser.REDIRECT_URI), 400, "invalid_grant", 501481); // no verifier
		assertThat(redeem(code, pkce[0], Browser.REDIRECT_URI).status()).isEqualTo(200);
		assertError(redeem(code, pkce[0], Browser.REDIRECT_URI), 400, "invalid_grant", 54005); // reuse
		assertError(redeem(code.substring(0, code.length() - 3) + "abc", pkce[0], Browser.REDIRECT_URI), 400,
				"invalid_grant", 9002313); // tampered
		assertError(new TokenClient(base()).post(DemoTenant.CONTOSO, Map.of("grant_type", "authorization_code",
				"client_id", DemoTenant.CONTOSO_PORTAL.clientId(), "client_secret", DemoTenant.CONTOSO_PORTAL.secret(),
				"code", signIn(browser, DemoTenant.HENRY, pkce[1]), "redirect_uri", Browser.REDIRECT_URI,
				"code_verifier", pkce[0])), 400, "invalid_grant", 70000); // another client's code

		String expiring = signIn(browser, DemoTenant.HENRY, pkce[1]);
		clock.advance(Duration.ofMinutes(11));
		assertError(redeem(expiring, pkce[0], Browser.REDIRECT_URI), 400, "invalid_grant", 70008); // expired

		// a tampered cookie is no session: the sign-in page, not an error
		String cookie = browser.sessionCookie().getValue();
		browser.setSessionCookie(cookie.substring(0, cookie.length() - 4) + "AAAA");
		HttpResponse<String> tampered = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of()));
		assertThat(tampered.statusCode()).isEqualTo(200);
		assertThat(tampered.body()).contains("<form method=\"post\"");
		assertThat(Browser.redirectParameters(browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(pkce[1],
				Map.of("prompt", "none"))))).containsEntry("error", "login_required");
	}

	@Test
	void introspectWhenBadInputThenInactiveOr401AndNo5xx() {
		TokenClient client = new TokenClient(base());
		String access = client.signIn(DemoTenant.MEGAN).text("access_token");
		assertThat(introspect("garbage").response().body()).isEqualTo("{\"active\":false}");
		String[] parts = access.split("\\.");
		String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
				TokenClient.claims(access).replace(DemoTenant.MEGAN.id(), DemoTenant.ADELE.id())
					.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
		assertThat(introspect(forged).response().body()).isEqualTo("{\"active\":false}");
		assertThat(introspect(access, DemoTenant.FABRIKAM, DemoTenant.FABRIKAM_DAEMON).response().body())
			.isEqualTo("{\"active\":false}"); // another tenant's token
		TokenClient.Answer unauthenticated = send(introspectRequest(DemoTenant.CONTOSO, "token=" + access, null));
		assertThat(unauthenticated.status()).isEqualTo(401);
		assertThat(unauthenticated.text("error")).isEqualTo("invalid_client");
		TokenClient.Answer wrongSecret = send(introspectRequest(DemoTenant.CONTOSO, "token=" + access,
				basic(DemoTenant.CONTOSO_PORTAL.clientId(), "wrong")));
		assertThat(wrongSecret.status()).isEqualTo(401);
		TokenClient.Answer post = send(introspectRequest(DemoTenant.CONTOSO, "token=" + access + "&client_id="
				+ DemoTenant.CONTOSO_PORTAL.clientId() + "&client_secret=" + DemoTenant.CONTOSO_PORTAL.secret(), null));
		assertThat(post.json().get("active").asBoolean()).isTrue(); // client_secret_post
		assertThat(post.json().get("exp").isNumber()).isTrue();
		assertThat(post.text("scope")).isEqualTo("User.Read");
		clock.advance(Duration.ofHours(2));
		assertThat(introspect(access).response().body()).isEqualTo("{\"active\":false}"); // expired
	}

	@Test
	void signInWhenWrongPasswordThresholdTimesThenLockedOutUntilTheWindowEnds() {
		TokenClient client = new TokenClient(base());
		Map<String, String> wrong = Map.of("grant_type", "password", "client_id", DemoTenant.CONTOSO_CLI.clientId(),
				"username", DemoTenant.ADELE.upn(), "password", "wrong", "scope", "openid offline_access User.Read");
		for (int i = 0; i < 3; i++) {
			assertError(client.post(DemoTenant.CONTOSO, wrong), 400, "invalid_grant", 50126);
		}
		assertError(client.signInAnswer(DemoTenant.ADELE), 400, "invalid_grant", 50053);
		Browser browser = browser();
		HttpResponse<String> page = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(Browser.pkce()[1],
				Map.of()));
		HttpResponse<String> locked = browser.submit(DemoTenant.CONTOSO, page, DemoTenant.ADELE.upn(),
				DemoTenant.ADELE.password());
		assertThat(locked.statusCode()).isEqualTo(200);
		assertThat(locked.body()).contains("temporarily locked").doesNotContain(DemoTenant.ADELE.password());
		HttpResponse<String> wrongOnPage = browser.submit(DemoTenant.CONTOSO, page, DemoTenant.BOB.upn(), "nope");
		assertThat(wrongOnPage.body()).contains("Your account or password is incorrect.");
		// Redis keeps the lock's time: the window ends when its key expires
		this.redis.del("rsv:lock:" + DemoTenant.CONTOSO + ":" + DemoTenant.ADELE.id());
		assertThat(client.signInAnswer(DemoTenant.ADELE).status()).isEqualTo(200);
	}

	@Test
	void whenViewIncompleteOrRedisDownThenFailClosedEverywhere() {
		Browser browser = browser();
		String[] pkce = Browser.pkce();
		String code = signIn(browser, DemoTenant.BOB, pkce[1]);
		TokenClient client = new TokenClient(base());
		String refresh = client.signIn(DemoTenant.BOB).text("refresh_token");
		String access = client.signIn(DemoTenant.BOB).text("access_token");

		ViewMarkers.clear(this.redis);
		assertUnavailable(browser, refresh, access);
		ViewMarkers.markComplete(this.redis);

		redisServer.stop();
		try {
			assertUnavailable(browser, refresh, access);
			assertError(redeem(code, pkce[0], Browser.REDIRECT_URI), 503, "temporarily_unavailable", 0);
		}
		finally {
			redisServer.restart();
		}
	}

	private void assertUnavailable(Browser browser, String refresh, String access) {
		HttpResponse<String> authorize = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(
				Browser.pkce()[1], Map.of("prompt", "none")));
		assertThat(authorize.statusCode()).isEqualTo(503);
		assertThat(authorize.headers().firstValue("Location")).isEmpty();
		assertError(new TokenClient(base()).refresh(refresh), 503, "temporarily_unavailable", 0);
		TokenClient.Answer introspection = introspect(access);
		assertThat(introspection.status()).isEqualTo(503);
		assertThat(introspection.text("error")).isEqualTo("temporarily_unavailable");
	}

	private String signIn(Browser browser, DemoTenant.User user, String challenge) {
		HttpResponse<String> page = browser.authorize(DemoTenant.CONTOSO, Browser.authorizeParameters(challenge,
				Map.of("prompt", "login")));
		HttpResponse<String> redirect = browser.submit(DemoTenant.CONTOSO, page, user.upn(), user.password());
		assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
		return Browser.redirectParameters(redirect).get("code");
	}

	private TokenClient.Answer redeem(String code, String verifier, String redirectUri) {
		Map<String, String> form = new HashMap<>(Map.of("grant_type", "authorization_code", "client_id",
				DemoTenant.CONTOSO_CLI.clientId(), "code", code, "redirect_uri", redirectUri));
		if (verifier != null) {
			form.put("code_verifier", verifier);
		}
		return new TokenClient(base()).post(DemoTenant.CONTOSO, form);
	}

	private TokenClient.Answer introspect(String token) {
		return introspect(token, DemoTenant.CONTOSO, DemoTenant.CONTOSO_PORTAL);
	}

	private TokenClient.Answer introspect(String token, String tenant, DemoTenant.App caller) {
		return send(introspectRequest(tenant, "token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8),
				basic(caller.clientId(), caller.secret())));
	}

	private HttpRequest introspectRequest(String tenant, String body, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/" + tenant + "/oauth2/v2.0/introspect"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return request.build();
	}

	private static TokenClient.Answer send(HttpRequest request) {
		try {
			HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
			return new TokenClient.Answer(response.statusCode(),
					tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.body()), response);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String basic(String clientId, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	private static void assertError(TokenClient.Answer answer, int status, String error, int code) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.text("error")).isEqualTo(error);
		if (code != 0) {
			assertThat(answer.text("error_description")).startsWith("AADSTS" + code + ": ");
		}
		assertThat(answer.text("trace_id")).isNotBlank();
	}

	private void revoke(DemoTenant.User user, Instant cutoff) {
		new CutoffScript().apply(this.redis, user.tenantId(), user.id(), cutoff);
	}

	private Browser browser() {
		return new Browser(base());
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}
}
