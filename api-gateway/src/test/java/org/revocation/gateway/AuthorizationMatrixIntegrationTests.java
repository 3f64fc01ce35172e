package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may revoke whom (graph-contract.md Decisions, sections 1.4 to 1.6): every caller of the demo tenant against
 * every target, by id and by UPN, on v1.0 and beta, each cell's expected status written below.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "gateway.in-force-timeout=20ms",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-applied" })
class AuthorizationMatrixIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	/** Targets, in column order; SELF is the caller's own account (for an application: its client id). */
	private static final List<String> TARGETS = List.of("self", "bob", "henry", "megan", "adele", "frank");

	/** caller → expected status per target column. */
	private static final Map<String, int[]> EXPECTED = new LinkedHashMap<>();
	static {
		//                                     self  bob  henry megan adele frank
		EXPECTED.put("revocation-daemon", new int[] { 404, 200, 200, 200, 200, 404 });
		EXPECTED.put("directory-daemon",  new int[] { 404, 200, 200, 200, 200, 404 });
		EXPECTED.put("reader-daemon",     new int[] { 404, 403, 403, 403, 403, 404 });
		EXPECTED.put("fabrikam-daemon",   new int[] { 404, 404, 404, 404, 404, 200 });
		EXPECTED.put("adele",             new int[] { 200, 200, 200, 200, 200, 404 }); // Global Administrator
		EXPECTED.put("megan",             new int[] { 200, 200, 200, 200, 403, 404 }); // User Administrator
		EXPECTED.put("henry",             new int[] { 200, 200, 200, 403, 403, 404 }); // Helpdesk Administrator
		EXPECTED.put("bob",               new int[] { 200, 200, 403, 403, 403, 404 }); // no role: only himself
		EXPECTED.put("pat",               new int[] { 403, 403, 403, 403, 403, 403 }); // personal account
	}

	private static final Map<String, DemoTenant.User> USERS = Map.of("bob", DemoTenant.BOB, "henry", DemoTenant.HENRY,
			"megan", DemoTenant.MEGAN, "adele", DemoTenant.ADELE, "frank", DemoTenant.FRANK, "pat", DemoTenant.PAT);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("gateway.jwks-uri", JwksServer::url);
	}

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@Test
	void revokeWhenEveryCallerTargetsEveryUserThenStatusPerTheTable() throws Exception {
		try (var redis = redisServer.client()) {
			ViewMarkers.markComplete(redis);
		}
		HttpClient http = HttpClient.newHttpClient();
		List<String> mismatches = new ArrayList<>();
		Map<Integer, Integer> outcomes = new TreeMap<>();
		for (Map.Entry<String, int[]> row : EXPECTED.entrySet()) {
			Caller caller = caller(row.getKey());
			for (int column = 0; column < TARGETS.size(); column++) {
				String target = TARGETS.get(column);
				for (boolean byUpn : new boolean[] { false, true }) {
					for (String version : new String[] { "v1.0", "beta" }) {
						String segment = segment(caller, target, byUpn);
						HttpResponse<String> answer = http.send(HttpRequest
							.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/" + version + "/users/" + segment
									+ "/revokeSignInSessions"))
							.header("Authorization", "Bearer " + caller.token())
							.POST(HttpRequest.BodyPublishers.noBody())
							.build(), HttpResponse.BodyHandlers.ofString());
						outcomes.merge(answer.statusCode(), 1, Integer::sum);
						if (answer.statusCode() != row.getValue()[column]) {
							mismatches.add(row.getKey() + " → " + target + " (" + segment + ", " + version + "): expected "
									+ row.getValue()[column] + ", got " + answer.statusCode() + " " + answer.body());
						}
					}
				}
			}
		}
		System.out.println("authorization matrix cells=" + EXPECTED.size() * TARGETS.size() * 4 + " outcomes=" + outcomes);
		assertThat(mismatches).isEmpty();
	}

	private record Caller(String name, String token, String selfId, String selfUpn) {
	}

	private static Caller caller(String name) {
		// sessions signed in "later" than any cutoff this test writes, so revocations of the callers do not turn
		// them into CAE challenges midway
		Instant signedIn = Instant.now().plusSeconds(3600);
		return switch (name) {
			case "revocation-daemon" -> app(name, DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All");
			case "directory-daemon" -> app(name, DemoTenant.DIRECTORY_DAEMON, "Directory.ReadWrite.All");
			case "reader-daemon" -> app(name, DemoTenant.READER_DAEMON, "User.Read.All");
			case "fabrikam-daemon" -> app(name, DemoTenant.FABRIKAM_DAEMON, "User.ReadWrite.All");
			case "pat" -> user(name, DemoTenant.PAT, DemoTenant.PERSONAL_APP, signedIn);
			default -> user(name, USERS.get(name), DemoTenant.CONTOSO_PORTAL, signedIn);
		};
	}

	private static Caller app(String name, DemoTenant.App app, String role) {
		return new Caller(name, TestTokens.sign(TestTokens.app(app, role)), app.clientId(), app.clientId());
	}

	private static Caller user(String name, DemoTenant.User user, DemoTenant.App app, Instant signedIn) {
		return new Caller(name, TestTokens.sign(TestTokens.user(user, app, signedIn, "User.Read User.ReadWrite.All")),
				user.id(), user.upn());
	}

	private static String segment(Caller caller, String target, boolean byUpn) {
		if (target.equals("self")) {
			return byUpn ? caller.selfUpn() : caller.selfId();
		}
		DemoTenant.User user = USERS.get(target);
		return byUpn ? user.upn() : user.id();
	}
}
