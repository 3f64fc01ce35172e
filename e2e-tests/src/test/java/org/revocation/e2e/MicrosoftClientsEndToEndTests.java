package org.revocation.e2e;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.SSLContext;

import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;
import com.microsoft.aad.msal4j.UserNamePasswordParameters;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;
import org.revocation.localstack.LocalTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The system as users deploy it — one gateway, two workers, two token-checkers, as separate processes — driven only
 * over HTTP by Microsoft's own libraries: MSAL4J (client credentials, username/password, the authorization-code flow
 * with PKCE, silent refresh) against the https token-checker, and the Microsoft Graph Java SDK v6 against the gateway.
 */
class MicrosoftClientsEndToEndTests {

	private static final String PORTAL_REDIRECT = "http://localhost/callback";

	private static LocalSystem system;

	private static SSLContext tls;

	@BeforeAll
	static void startSystem() {
		system = new LocalSystem(2, 2).start();
		tls = LocalTls.clientContext(system.tls);
	}

	@AfterAll
	static void stopSystem() {
		if (system != null) {
			system.close();
		}
	}

	@Test
	void appOnlyRevokeByIdAndUpnThenRefreshRefusedOnBothCheckersBrowserSentBackAndIntrospectionInactive()
			throws Exception {
		// Bob has a refresh token, an MSAL4J account, a browser session and an access token
		String refreshToken = Clients.signIn(system, DemoTenant.BOB).text("refresh_token");
		String accessToken = Clients.signIn(system, DemoTenant.BOB).text("access_token");
		PublicClientApplication cli = publicClient();
		IAuthenticationResult msal = cli.acquireToken(UserNamePasswordParameters.builder(Set.of("User.Read"),
				DemoTenant.BOB.upn(), DemoTenant.BOB.password().toCharArray()).build()).get();
		BrowserSignIn browser = new BrowserSignIn();
		Map<String, String> code = browser.signIn(system.tokenChecker(0), DemoTenant.CONTOSO,
				browser.authorize(system.tokenChecker(0), DemoTenant.CONTOSO, DemoTenant.CONTOSO_CLI.clientId(),
						"http://localhost:5173", Clients.USER_SCOPES, null), DemoTenant.BOB.upn(), DemoTenant.BOB.password());
		assertThat(code).containsKey("code");
		String carolRefresh = Clients.signIn(system, DemoTenant.CAROL).text("refresh_token");

		GraphServiceClient graph = graph(appToken());
		assertThat(graph.users().byUserId(DemoTenant.BOB.id()).revokeSignInSessions().post().getValue()).isTrue();
		assertThat(graph.users().byUserId("Carol@Contoso.test").revokeSignInSessions().post().getValue()).isTrue();

		for (int checker = 0; checker < 2; checker++) {
			Http.Answer refused = refresh(checker, refreshToken);
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
			assertThat(refresh(checker, carolRefresh).text("error_description")).startsWith("AADSTS50173: ");
			assertThat(introspect(checker, accessToken)).isEqualTo("{\"active\":false}");
			// the browser's session cookie is no session on either checker
			HttpResponse<String> silent = browser.authorize(system.tokenChecker(checker), DemoTenant.CONTOSO,
					DemoTenant.CONTOSO_CLI.clientId(), "http://localhost:5173", Clients.USER_SCOPES, "none");
			assertThat(BrowserSignIn.callback(silent)).containsEntry("error", "login_required");
			HttpResponse<String> page = browser.authorize(system.tokenChecker(checker), DemoTenant.CONTOSO,
					DemoTenant.CONTOSO_CLI.clientId(), "http://localhost:5173", Clients.USER_SCOPES, null);
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("<form method=\"post\"");
		}
		assertThatThrownBy(() -> cli.acquireTokenSilently(SilentParameters.builder(Set.of("User.Read"), msal.account())
			.authorityUrl(system.authority(0, DemoTenant.CONTOSO))
			.forceRefresh(true)
			.build()).get()).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(MsalInteractionRequiredException.class)
			.hasMessageContaining("AADSTS50173");

		User bob = graph.users().byUserId(DemoTenant.BOB.upn())
			.get((config) -> config.queryParameters.select = new String[] { "signInSessionsValidFromDateTime" });
		assertThat(bob.getSignInSessionsValidFromDateTime()).isNotNull();

		// a fresh sign-in works at once, on both checkers
		IAuthenticationResult again = publicClient().acquireToken(UserNamePasswordParameters.builder(Set.of("User.Read"),
				DemoTenant.BOB.upn(), DemoTenant.BOB.password().toCharArray()).build()).get();
		assertThat(again.accessToken()).isNotBlank();
		String fresh = Clients.signIn(system, DemoTenant.BOB).text("refresh_token");
		assertThat(refresh(0, fresh).status()).isEqualTo(200);
		assertThat(refresh(1, fresh).status()).isEqualTo(200);
	}

	@Test
	void delegatedRevokeByAnAdministratorThroughTheAuthorizationCodeFlowAndSelfRevokeThroughMe() throws Exception {
		String henryRefresh = Clients.signIn(system, DemoTenant.HENRY).text("refresh_token");
		// Adele (Global Administrator) signs in to contoso-portal in her browser; MSAL4J redeems the code
		GraphServiceClient adele = graph(delegatedToken(DemoTenant.ADELE));
		assertThat(adele.users().byUserId(DemoTenant.HENRY.upn()).revokeSignInSessions().post().getValue()).isTrue();
		assertThat(refresh(1, henryRefresh).text("error_description")).startsWith("AADSTS50173: ");

		// Megan revokes her own sessions through /me: her token is refused afterwards (CAE), a new sign-in works
		String meganRefresh = Clients.signIn(system, DemoTenant.MEGAN).text("refresh_token");
		String meganToken = delegatedToken(DemoTenant.MEGAN);
		GraphServiceClient megan = graph(meganToken);
		assertThat(megan.me().revokeSignInSessions().post().getValue()).isTrue();
		assertThat(refresh(0, meganRefresh).text("error_description")).startsWith("AADSTS50173: ");
		assertThat(introspect(1, meganToken)).isEqualTo("{\"active\":false}");
		Http.Answer challenged = Http.get(system.graph() + "/me", meganToken);
		assertThat(challenged.status()).isEqualTo(401);
		assertThat(challenged.response().headers().firstValue("WWW-Authenticate")).get().asString()
			.contains("insufficient_claims");
		assertThat(graph(delegatedToken(DemoTenant.MEGAN)).me().get().getUserPrincipalName())
			.isEqualTo(DemoTenant.MEGAN.upn());
	}

	/** A browser sign-in to contoso-portal (confidential), the code redeemed by MSAL4J with the PKCE verifier. */
	private static String delegatedToken(DemoTenant.User user) throws Exception {
		BrowserSignIn browser = new BrowserSignIn();
		String scope = "openid profile offline_access User.ReadWrite.All";
		Map<String, String> callback = browser.signIn(system.tokenChecker(0), DemoTenant.CONTOSO,
				browser.authorize(system.tokenChecker(0), DemoTenant.CONTOSO, DemoTenant.CONTOSO_PORTAL.clientId(),
						PORTAL_REDIRECT, scope, "login"), user.upn(), user.password());
		ConfidentialClientApplication portal = ConfidentialClientApplication
			.builder(DemoTenant.CONTOSO_PORTAL.clientId(),
					ClientCredentialFactory.createFromSecret(DemoTenant.CONTOSO_PORTAL.secret()))
			.authority(system.authority(0, DemoTenant.CONTOSO))
			.instanceDiscovery(false)
			.sslSocketFactory(tls.getSocketFactory())
			.build();
		IAuthenticationResult result = portal.acquireToken(AuthorizationCodeParameters
			.builder(callback.get("code"), URI.create(PORTAL_REDIRECT))
			.scopes(Set.of("User.ReadWrite.All"))
			.codeVerifier(browser.verifier)
			.build()).get();
		return result.accessToken();
	}

	private static String appToken() throws Exception {
		ConfidentialClientApplication daemon = ConfidentialClientApplication
			.builder(DemoTenant.REVOCATION_DAEMON.clientId(),
					ClientCredentialFactory.createFromSecret(DemoTenant.REVOCATION_DAEMON.secret()))
			.authority(system.authority(0, DemoTenant.CONTOSO))
			.instanceDiscovery(false)
			.sslSocketFactory(tls.getSocketFactory())
			.build();
		return daemon.acquireToken(ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default"))
			.build()).get().accessToken();
	}

	private static PublicClientApplication publicClient() throws Exception {
		return PublicClientApplication.builder(DemoTenant.CONTOSO_CLI.clientId())
			.authority(system.authority(0, DemoTenant.CONTOSO))
			.instanceDiscovery(false)
			.sslSocketFactory(tls.getSocketFactory())
			.build();
	}

	private static GraphServiceClient graph(String token) {
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
		graph.getRequestAdapter().setBaseUrl(system.graph());
		return graph;
	}

	private static Http.Answer refresh(int checker, String refreshToken) {
		return Http.postForm(system.tokenChecker(checker) + "/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token",
				Map.of("grant_type", "refresh_token", "client_id", DemoTenant.CONTOSO_CLI.clientId(), "refresh_token",
						refreshToken));
	}

	private static String introspect(int checker, String token) {
		return Http.postForm(system.tokenChecker(checker) + "/" + DemoTenant.CONTOSO + "/oauth2/v2.0/introspect",
				Map.of("client_id", DemoTenant.CONTOSO_PORTAL.clientId(), "client_secret",
						DemoTenant.CONTOSO_PORTAL.secret(), "token", token))
			.response()
			.body();
	}
}
