package org.revocation.gateway;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.http.server.PathContainer;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.yaml.snakeyaml.Yaml;
import redis.clients.jedis.RedisClient;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as Graph clients see it: the Microsoft Graph Java SDK v6 revokes and reads the property, beta's
 * deprecated action works, and a corpus of bad input gets Graph errors — a 4xx with the Graph body, never a 5xx, never
 * a 200. Revocations come into force through {@link TestApplier} (the worker's job, reduced).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class GraphClientsIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(GraphClientsIntegrationTests.class);

	private static final TestRedis redisServer = TestRedis.start();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	RedisClient redis;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	private TestApplier applier;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@BeforeEach
	void startApplier() {
		this.redis.flushAll();
		ViewMarkers.markComplete(this.redis);
		this.applier = new TestApplier(this.broker.getBrokersAsString(), this.redis);
	}

	@AfterEach
	void stopApplier() throws Exception {
		this.applier.close();
	}

	@Test
	void graphSdkWhenAppRevokesByIdAndUpnThenTrueAndPropertyIsTheCutoff() {
		GraphServiceClient graph = graph(TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.RevokeSessions.All", "User.Read.All")));
		Instant before = Instant.now().minusMillis(1);
		assertThat(graph.users().byUserId(DemoTenant.BOB.id()).revokeSignInSessions().post().getValue()).isTrue();
		assertThat(graph.users().byUserId("Carol@Contoso.test").revokeSignInSessions().post().getValue()).isTrue();
		User bob = graph.users().byUserId(DemoTenant.BOB.upn())
			.get((config) -> config.queryParameters.select = new String[] { "id", "signInSessionsValidFromDateTime" });
		assertThat(bob.getId()).isEqualTo(DemoTenant.BOB.id());
		String durable = TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id());
		assertThat(bob.getSignInSessionsValidFromDateTime().toInstant())
			.isEqualTo(Instant.ofEpochMilli(Long.parseLong(durable)))
			.isAfter(before);
	}

	@Test
	void graphSdkWhenDelegatedUserRevokesMeThenTrue() {
		GraphServiceClient graph = graph(TestTokens.sign(TestTokens.user(DemoTenant.MEGAN, DemoTenant.CONTOSO_PORTAL,
				Instant.now().minusSeconds(60), "User.RevokeSessions.All")));
		assertThat(graph.me().revokeSignInSessions().post().getValue()).isTrue();
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.MEGAN.id())).isNotNull();
	}

	@Test
	void invalidateAllRefreshTokensWhenBetaThenSameCutoffAndOnlyOnBeta() throws Exception {
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		HttpResponse<String> beta = send("POST", "/beta/users/henry@contoso.test/invalidateAllRefreshTokens", token,
				Map.of(), null);
		assertThat(beta.statusCode()).isEqualTo(200);
		assertThat(beta.body()).endsWith("/beta/$metadata#Edm.Boolean\",\"value\":true}");
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.HENRY.id())).isNotNull();
		assertGraphError(send("POST", "/v1.0/users/henry@contoso.test/invalidateAllRefreshTokens", token, Map.of(), null),
				400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void openApiDocumentWhenComparedWithTheGatewayThenEveryOperationAnswersAndEveryRouteIsListed() throws Exception {
		Map<String, Object> document = new Yaml().load(Files.readString(Path.of("..", "docs", "openapi.yaml")));
		Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
		int operations = 0;
		for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
			for (String method : List.of("get", "post")) {
				if (!path.getValue().containsKey(method)) {
					continue;
				}
				String token = path.getKey().contains("/me") ? TestTokens.sign(TestTokens.user(DemoTenant.MEGAN,
						DemoTenant.CONTOSO_PORTAL, Instant.now().plusSeconds(2), "User.Read User.RevokeSessions.All"))
						: TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
				boolean batch = path.getKey().endsWith("/$batch"); // takes a body: one request, read Henry
				HttpResponse<String> answer = send(method.toUpperCase(), path.getKey().replace("{user-id}",
						"henry@contoso.test").replace("$", "%24"), token,
						batch ? Map.of("Content-Type", "application/json") : Map.of(),
						batch ? "{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/users/henry@contoso.test\"}]}"
								: null);
				assertThat(answer.statusCode()).as(method + " " + path.getKey() + ": " + answer.body()).isEqualTo(200);
				operations++;
			}
		}
		for (RequestMappingInfo route : this.mappings.getHandlerMethods().keySet()) {
			for (String pattern : route.getPatternValues()) {
				if (pattern.equals("/error") || pattern.startsWith("/admin")) {
					continue; // not Graph: the error page and the administrator's console (HTML pages)
				}
				PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
				assertThat(paths.keySet()).as("route %s in docs/openapi.yaml", pattern)
					.anyMatch((documented) -> parsed.matches(PathContainer.parsePath(documented)));
			}
		}
		log.info("openapi: {} operations answered 200, {} routes documented", operations,
				this.mappings.getHandlerMethods().size());
	}

	@Test
	void badInputCorpusWhenSentThenEveryCaseIsA4xxGraphError() throws Exception {
		String valid = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		String revoke = "/revokeSignInSessions";
		List<Case> corpus = new ArrayList<>();
		// ids and UPNs
		corpus.add(Case.post("raw slash in the id", "/v1.0/users/bob/contoso.test" + revoke, valid));
		corpus.add(Case.post("encoded slash in the id", "/v1.0/users/bob%2Fcontoso.test" + revoke, valid));
		corpus.add(Case.post("encoded backslash", "/v1.0/users/bob%5Ccontoso.test" + revoke, valid));
		corpus.add(Case.post("double quotes", "/v1.0/users/%22bob@contoso.test%22" + revoke, valid));
		corpus.add(Case.post("single quotes (OData key syntax)", "/v1.0/users('bob@contoso.test')" + revoke, valid));
		corpus.add(Case.post("double percent-encoding", "/v1.0/users/bob%2540contoso.test" + revoke, valid));
		corpus.add(Case.raw("malformed percent-encoding", "/v1.0/users/bob%ZZ" + revoke, valid));
		corpus.add(Case.raw("encoded NUL", "/v1.0/users/bob%00@contoso.test" + revoke, valid));
		corpus.add(Case.post("dot segments", "/v1.0/users/..%2F..%2Fadmin" + revoke, valid));
		corpus.add(Case.post("unicode UPN", "/v1.0/users/b%C3%B6b@contoso.test" + revoke, valid));
		corpus.add(Case.post("unicode right-to-left override", "/v1.0/users/bob%E2%80%AE@contoso.test" + revoke, valid));
		corpus.add(Case.post("GUID with braces", "/v1.0/users/%7B" + DemoTenant.BOB.id() + "%7D" + revoke, valid));
		corpus.add(Case.post("10 kB UPN", "/v1.0/users/" + "a".repeat(10 * 1024) + "@contoso.test" + revoke, valid));
		corpus.add(Case.post("empty id", "/v1.0/users/" + revoke, valid));
		corpus.add(Case.post("unknown version", "/v2.0/users/bob@contoso.test" + revoke, valid));
		corpus.add(Case.post("unknown action", "/v1.0/users/bob@contoso.test/revokeEverything", valid));
		// bodies (the action takes no parameters; an empty body with or without a Content-Type is the normal call)
		corpus.add(Case.body("JSON with a parameter", valid, "application/json", "{\"userId\":\"bob@contoso.test\"}"));
		corpus.add(Case.body("malformed JSON", valid, "application/json", "{\"a\":"));
		corpus.add(Case.body("JSON array", valid, "application/json", "[true]"));
		corpus.add(Case.body("form body", valid, "application/x-www-form-urlencoded", "a=b"));
		corpus.add(Case.body("text body", valid, "text/plain", "revoke please"));
		corpus.add(Case.body("XML body", valid, "application/xml", "<revoke/>"));
		corpus.add(Case.body("1 MB JSON body", valid, "application/json", "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}"));
		// methods and query options
		corpus.add(new Case("GET on the action", "GET", "/v1.0/users/bob@contoso.test" + revoke, valid, null, null, false));
		corpus.add(new Case("PUT on the action", "PUT", "/v1.0/users/bob@contoso.test" + revoke, valid, "application/json",
				"{}", false));
		corpus.add(new Case("DELETE on the user", "DELETE", "/v1.0/users/bob@contoso.test", valid, null, null, false));
		corpus.add(new Case("$top not a number", "GET", "/v1.0/users?%24top=abc", valid, null, null, false));
		corpus.add(new Case("$select of an unknown property", "GET", "/v1.0/users?%24select=password", valid, null, null,
				false));
		// tokens
		var claims = TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All");
		corpus.add(Case.token("no Authorization header", null));
		corpus.add(Case.token("empty bearer", ""));
		corpus.add(Case.token("garbage token", "not.a.jwt"));
		corpus.add(Case.token("alg none", TestTokens.unsigned(claims)));
		corpus.add(Case.token("HS256 signed with the public key", TestTokens.hmacWithPublicKey(claims)));
		corpus.add(Case.token("signed by an unknown key", TestTokens.sign(claims.build(), TestTokens.generate())));
		corpus.add(Case.token("expired", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All")
			.expirationTime(Date.from(Instant.now().minusSeconds(3600))))));
		corpus.add(Case.token("not yet valid", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.ReadWrite.All").notBeforeTime(Date.from(Instant.now().plusSeconds(3600))))));
		corpus.add(Case.token("another tenant's issuer", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.ReadWrite.All").issuer(TestTokens.ISSUER_BASE + "/" + DemoTenant.FABRIKAM + "/v2.0"))));
		corpus.add(Case.token("a foreign issuer", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.ReadWrite.All").issuer("https://evil.example/" + DemoTenant.CONTOSO + "/v2.0"))));
		corpus.add(Case.token("wrong audience", TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON,
				"User.ReadWrite.All").audience("https://example.org"))));
		corpus.add(Case.token("Basic credentials", "Basic " + "YWRtaW46YWRtaW4="));

		List<String> failures = new ArrayList<>();
		Map<Integer, Integer> statuses = new java.util.TreeMap<>();
		for (Case bad : corpus) {
			Answer answer = bad.raw() ? raw(bad) : send(bad);
			statuses.merge(answer.status(), 1, Integer::sum);
			String problem = problem(answer);
			if (problem != null) {
				failures.add(bad.name() + ": " + problem + " (" + answer.status() + " " + abbreviate(answer.body()) + ")");
			}
		}
		log.info("bad-input corpus: {} cases, statuses {}", corpus.size(), statuses);
		assertThat(failures).as("cases not answered with a 4xx Graph error").isEmpty();
		assertThat(corpus).hasSizeGreaterThanOrEqualTo(40);
	}

	private static String problem(Answer answer) {
		if (answer.status() < 400 || answer.status() >= 500) {
			return "status " + answer.status();
		}
		if (!answer.body().startsWith("{\"error\":{\"code\":\"") || !answer.body().contains("\"innerError\":{\"date\":\"")
				|| !answer.body().contains("\"request-id\":\"")) {
			return "not a Graph error body";
		}
		return null;
	}

	private static String abbreviate(String body) {
		return (body.length() > 200) ? body.substring(0, 200) + "…" : body;
	}

	private Answer send(Case bad) throws Exception {
		Map<String, String> headers = (bad.contentType() != null) ? Map.of("Content-Type", bad.contentType()) : Map.of();
		HttpResponse<String> response = send(bad.method(), bad.path(), bad.authorization(), headers, bad.body());
		return new Answer(response.statusCode(), response.body());
	}

	private HttpResponse<String> send(String method, String path, String authorization, Map<String, String> headers,
			String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (authorization != null) {
			request.header("Authorization", authorization.startsWith("Basic ") ? authorization : "Bearer " + authorization);
		}
		headers.forEach(request::header);
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** For request targets {@link URI} refuses to build: written to the socket as they are. */
	private Answer raw(Case bad) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write((bad.method() + " " + bad.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
					+ bad.authorization() + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			in.transferTo(buffer);
			String response = buffer.toString(StandardCharsets.UTF_8);
			Matcher status = Pattern.compile("^HTTP/1.1 (\\d{3})").matcher(response);
			assertThat(status.find()).as(response).isTrue();
			int bodyStart = response.indexOf("\r\n\r\n");
			String body = (bodyStart < 0) ? "" : response.substring(bodyStart + 4);
			if (response.toLowerCase().contains("transfer-encoding: chunked")) {
				body = body.substring(body.indexOf("\r\n") + 2);
			}
			return new Answer(Integer.parseInt(status.group(1)), body);
		}
	}

	private GraphServiceClient graph(String token) {
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
		graph.getRequestAdapter().setBaseUrl("http://127.0.0.1:" + this.port + "/v1.0");
		return graph;
	}

	private static void assertGraphError(HttpResponse<String> answer, int status) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.body()).startsWith("{\"error\":{\"code\":\"");
	}

	private record Case(String name, String method, String path, String authorization, String contentType, String body,
			boolean raw) {

		static Case post(String name, String path, String token) {
			return new Case(name, "POST", path, token, null, null, false);
		}

		static Case raw(String name, String path, String token) {
			return new Case(name, "POST", path, token, null, null, true);
		}

		static Case body(String name, String token, String contentType, String body) {
			return new Case(name, "POST", "/v1.0/users/bob@contoso.test/revokeSignInSessions", token, contentType, body,
					false);
		}

		static Case token(String name, String token) {
			return new Case(name, "POST", "/v1.0/users/bob@contoso.test/revokeSignInSessions", token, null, null, false);
		}
	}

	private record Answer(int status, String body) {
	}

}
