package org.revocation.tokenchecker.token;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;
import com.microsoft.aad.msal4j.UserNamePasswordParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;
import org.revocation.localstack.LocalTls;
import org.revocation.localstack.Ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Microsoft's client libraries send and need (graph-contract.md section 5), over the https endpoint: MSAL4J's
 * client-credentials, password and silent-refresh flows, and the extra form fields, header and query parameter.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StockClientsIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final int HTTPS_PORT = Ports.free();

	private static final Path TLS = tls();

	private static final String AUTHORITY = "https://localhost:" + HTTPS_PORT + "/" + DemoTenant.CONTOSO + "/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	RedisClient redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("revocation.https.port", () -> HTTPS_PORT);
		registry.add("revocation.https.key-store", () -> TLS.resolve("keystore.p12").toString());
		registry.add("revocation.issuer-base-url", () -> "https://localhost:" + HTTPS_PORT);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@BeforeEach
	void viewComplete() {
		this.redis.flushAll();
		ViewMarkers.markComplete(this.redis);
	}

	@Test
	void msal4jWhenConfidentialClientThenAppToken() throws Exception {
		ConfidentialClientApplication app = ConfidentialClientApplication
			.builder(DemoTenant.REVOCATION_DAEMON.clientId(),
					ClientCredentialFactory.createFromSecret(DemoTenant.REVOCATION_DAEMON.secret()))
			.authority(AUTHORITY)
			.instanceDiscovery(false)
			.sslSocketFactory(sslContext().getSocketFactory())
			.build();
		IAuthenticationResult result = app
			.acquireToken(ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default")).build())
			.get();
		assertThat(result.accessToken()).isNotBlank();
	}

	@Test
	void msal4jWhenPasswordSignInThenSilentRefreshUntilRevokedThenInteractionRequired() throws Exception {
		Set<String> scopes = Set.of("User.Read");
		PublicClientApplication app = publicClient();
		IAuthenticationResult signedIn = app.acquireToken(UserNamePasswordParameters
			.builder(scopes, DemoTenant.BOB.upn(), DemoTenant.BOB.password().toCharArray()).build()).get();
		assertThat(signedIn.account()).isNotNull();
		IAuthenticationResult refreshed = app.acquireTokenSilently(SilentParameters.builder(scopes, signedIn.account())
			.authorityUrl(AUTHORITY)
			.forceRefresh(true)
			.build()).get();
		assertThat(refreshed.accessToken()).isNotEqualTo(signedIn.accessToken());

		new CutoffScript().apply(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id(), Instant.now());
		assertThatThrownBy(() -> app.acquireTokenSilently(SilentParameters.builder(scopes, signedIn.account())
			.authorityUrl(AUTHORITY)
			.forceRefresh(true)
			.build()).get())
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(MsalInteractionRequiredException.class)
			.hasMessageContaining("AADSTS50173");

		// an interactive-equivalent sign-in (a new application instance: MSAL4J caches the refusal) works at once
		IAuthenticationResult again = publicClient().acquireToken(UserNamePasswordParameters
			.builder(scopes, DemoTenant.BOB.upn(), DemoTenant.BOB.password().toCharArray()).build()).get();
		assertThat(again.accessToken()).isNotBlank();
	}

	@Test
	void tokenWhenStockClientFieldsHeaderAndQueryThenAcceptedAndErrorsAreJson() throws Exception {
		String correlation = "7f1c3c1e-2b0f-4c4a-9d55-6a1f0c2b9e01";
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "password");
		form.put("client_id", DemoTenant.CONTOSO_CLI.clientId());
		form.put("username", DemoTenant.BOB.upn());
		form.put("password", DemoTenant.BOB.password());
		form.put("scope", "openid profile offline_access User.Read");
		form.put("client_info", "1");
		form.put("claims", "{\"access_token\":{\"xms_cc\":{\"values\":[\"cp1\"]}}}");
		form.put("x-client-SKU", "MSAL.Java");
		form.put("x-client-VER", "1.23.1");
		form.put("x-client-OS", "Linux");
		form.put("x-client-CPU", "amd64");
		form.put("x-ms-lib-capability", "retry-after, h429");
		HttpResponse<String> ok = post("/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token?client-request-id=" + correlation, form);
		assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
		assertThat(ok.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");

		form.put("password", "wrong");
		HttpResponse<String> refused = post("/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token?client-request-id=" + correlation, form);
		JsonNode error = JSON.readTree(refused.body());
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(error.get("correlation_id").asString()).isEqualTo(correlation);
		for (String field : new String[] { "error", "error_description", "error_codes", "timestamp", "trace_id",
				"correlation_id" }) {
			assertThat(error.has(field)).as(field).isTrue();
		}

		HttpResponse<String> discovery = get("/contoso.test/v2.0/.well-known/openid-configuration");
		assertThat(JSON.readTree(discovery.body()).get("issuer").asString())
			.isEqualTo("https://localhost:" + HTTPS_PORT + "/" + DemoTenant.CONTOSO + "/v2.0");
	}

	private PublicClientApplication publicClient() throws Exception {
		return PublicClientApplication.builder(DemoTenant.CONTOSO_CLI.clientId())
			.authority(AUTHORITY)
			.instanceDiscovery(false)
			.sslSocketFactory(sslContext().getSocketFactory())
			.build();
	}

	private static HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
		String body = form.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return https().send(HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("x-anchormailbox", "upn:" + DemoTenant.BOB.upn())
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return https().send(HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpClient https() throws Exception {
		return HttpClient.newBuilder().sslContext(sslContext()).build();
	}

	private static SSLContext sslContext() {
		return LocalTls.clientContext(TLS);
	}

	private static Path tls() {
		try {
			return LocalTls.ensure(Files.createTempDirectory("token-checker-tls"));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
