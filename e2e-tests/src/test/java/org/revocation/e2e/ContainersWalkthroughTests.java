package org.revocation.e2e;


import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README walkthrough's path against the system in containers ({@link ContainerizedSystem}): an app token, bob
 * signs in, his refresh works, revocation-daemon revokes him through the gateway (200), the next refresh is refused
 * with AADSTS50173, a fresh sign-in works, and carol is unaffected.
 */
@ContainerEngine.Required
class ContainersWalkthroughTests {

	private static ContainerizedSystem system;

	@BeforeAll
	static void start() {
		system = ContainerizedSystem.get();
	}

	@Test
	void revokeWhenInContainersThenRefreshRefusedFreshSignInWorksAndOthersUnaffected() {
		String token = system.tokenEndpoint();
		String appToken = Clients.appToken(token);
		String bob = Clients.signIn(token, DemoTenant.BOB).text("refresh_token");
		String carol = Clients.signIn(token, DemoTenant.CAROL).text("refresh_token");
		assertThat(Clients.refresh(token, bob).status()).isEqualTo(200);

		Http.Answer revoked = Http.post(system.graph() + "/users/" + DemoTenant.BOB.upn() + "/revokeSignInSessions",
				appToken);
		assertThat(revoked.status()).as(revoked.response().body()).isEqualTo(200);
		assertThat(revoked.json().get("value").asBoolean()).isTrue();

		Http.Answer refused = Clients.refresh(token, bob);
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.text("error")).isEqualTo("invalid_grant");
		assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
		String fresh = Clients.signIn(token, DemoTenant.BOB).text("refresh_token");
		assertThat(Clients.refresh(token, fresh).status()).isEqualTo(200);
		assertThat(Clients.refresh(token, carol).status()).isEqualTo(200);
		Http.Answer user = Http.get(system.graph() + "/users/" + DemoTenant.BOB.id()
				+ "?$select=signInSessionsValidFromDateTime", appToken);
		assertThat(user.status()).isEqualTo(200);
		assertThat(user.text("signInSessionsValidFromDateTime")).isNotBlank();
	}
}
