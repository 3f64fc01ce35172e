package org.revocation.e2e;

import java.util.Map;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo clients the end-to-end tests use: contoso-cli (password grant, refresh) and revocation-daemon. */
final class Clients {

	static final String USER_SCOPES = "openid profile offline_access User.Read";

	private Clients() {
	}

	static Http.Answer signIn(LocalSystem system, DemoTenant.User user) {
		return signIn(system.tokenEndpoint(user.tenantId()), user);
	}

	/** A password sign-in of {@code user} at the token endpoint of the user's tenant. */
	static Http.Answer signIn(String tokenEndpoint, DemoTenant.User user) {
		Http.Answer answer = Http.postForm(tokenEndpoint,
				Map.of("grant_type", "password", "client_id", DemoTenant.CONTOSO_CLI.clientId(), "username", user.upn(),
						"password", user.password(), "scope", USER_SCOPES));
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		return answer;
	}

	static Http.Answer refresh(LocalSystem system, String refreshToken) {
		return refresh(system.tokenEndpoint(DemoTenant.CONTOSO), refreshToken);
	}

	static Http.Answer refresh(String tokenEndpoint, String refreshToken) {
		return Http.postForm(tokenEndpoint, Map.of("grant_type", "refresh_token",
				"client_id", DemoTenant.CONTOSO_CLI.clientId(), "refresh_token", refreshToken));
	}

	static String appToken(LocalSystem system) {
		return appToken(system.tokenEndpoint("contoso.test"));
	}

	/** A revocation-daemon token (application User.ReadWrite.All) from Contoso's token endpoint. */
	static String appToken(String tokenEndpoint) {
		Http.Answer answer = Http.postForm(tokenEndpoint,
				Map.of("grant_type", "client_credentials", "client_id", DemoTenant.REVOCATION_DAEMON.clientId(),
						"client_secret", DemoTenant.REVOCATION_DAEMON.secret(), "scope",
						"https://graph.microsoft.com/.default"));
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		return answer.text("access_token");
	}
}
