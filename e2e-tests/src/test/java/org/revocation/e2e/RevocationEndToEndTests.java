package org.revocation.e2e;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton end to end, over HTTP only, against real processes: sign in, refresh, revoke through the
 * gateway, refresh refused with AADSTS50173, fresh sign-in works, another user is unaffected.
 */
class RevocationEndToEndTests {

	private static LocalSystem system;

	@BeforeAll
	static void startSystem() {
		system = new LocalSystem().start();
	}

	@AfterAll
	static void stopSystem() {
		if (system != null) {
			system.close();
		}
	}

	@Test
	void refreshWhenUserRevokedThroughGatewayThenRefusedWithAadsts50173AndFreshSignInWorks() {
		String bobRefresh = signIn(DemoTenant.BOB).text("refresh_token");
		String carolRefresh = signIn(DemoTenant.CAROL).text("refresh_token");
		assertThat(refresh(bobRefresh).status()).isEqualTo(200);

		Http.Answer revoked = Http.post(system.graph() + "/users/" + DemoTenant.BOB.upn() + "/revokeSignInSessions",
				appToken());
		assertThat(revoked.status()).isEqualTo(200);
		assertThat(revoked.response().body()).isEqualTo(
				"{\"@odata.context\":\"http://127.0.0.1:" + system.gatewayPort + "/v1.0/$metadata#Edm.Boolean\",\"value\":true}");

		await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
			Http.Answer refused = refresh(bobRefresh);
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.text("error")).isEqualTo("invalid_grant");
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
			assertThat(refused.json().get("error_codes").get(0).asInt()).isEqualTo(50173);
			assertThat(refused.text("suberror")).isEqualTo("bad_token");
		});

		Http.Answer fresh = signIn(DemoTenant.BOB);
		assertThat(fresh.status()).isEqualTo(200);
		assertThat(refresh(fresh.text("refresh_token")).status()).isEqualTo(200);
		assertThat(refresh(carolRefresh).status()).isEqualTo(200);
	}

	@Test
	void revokeWhenUnknownUserThenGraph404() {
		Http.Answer answer = Http.post(system.graph() + "/users/nobody@contoso.test/revokeSignInSessions", appToken());
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.json().get("error").get("code").asString()).isEqualTo("Request_ResourceNotFound");
	}

	private static Http.Answer signIn(DemoTenant.User user) {
		return Clients.signIn(system, user);
	}

	private static Http.Answer refresh(String refreshToken) {
		return Clients.refresh(system, refreshToken);
	}

	private static String appToken() {
		return Clients.appToken(system);
	}

	/** The README's walkthrough, extracted from README.md and run with bash against this system. */
	@Test
	void readmeWalkthroughWhenRunThenRefreshWorksRevocationAnswers200AndTheRefreshIsRefused() throws Exception {
		Assumptions.assumeTrue(ReadmeWalkthrough.runnable(), "the walkthrough needs bash, curl and sed");
		ReadmeWalkthrough.run(system.root, "http://localhost:" + system.gatewayPort,
				"https://localhost:" + system.tokenCheckerHttpsPort, system.tls.resolve("ca.pem"));
	}
}
