package org.revocation.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.revocation.localstack.ManagedProcess;
import org.revocation.localstack.Ports;

/**
 * Keycloak (the keycloak-quarkus-dist zip from Maven Central, {@code start-dev}, bound to 127.0.0.1, on the newest JDK
 * of the machine) with a realm, two clients and the benchmark users created through its admin REST API. Its password
 * policy is {@code pbkdf2-sha256} with one iteration so that creating sessions is cheap set-up work, as the
 * pipeline's bcrypt cost 4.
 */
final class Keycloak implements Peer {

	static final String REALM = "bench";

	static final String CLI = "bench-cli";

	static final String DAEMON = "bench-daemon";

	static final String DAEMON_SECRET = "bench-daemon-secret";

	private final Path home;

	private final Path java;

	private final int port = Ports.free();

	private final Map<Integer, String> ids = new ConcurrentHashMap<>();

	private ManagedProcess process;

	private String adminToken;

	private long adminTokenAt;

	Keycloak(Path home, Path java) {
		this.home = home;
		this.java = java;
	}

	@Override
	public String name() {
		return "Keycloak";
	}

	Keycloak start(Path log) throws Exception {
		Path kc = Files.list(this.home).filter((p) -> p.getFileName().toString().startsWith("keycloak-")).findFirst()
			.orElseThrow(() -> new IllegalStateException("no keycloak-* directory under " + this.home));
		Files.createDirectories(log.getParent());
		Path data = kc.resolve("data"); // start-dev's H2 database of a former run
		if (Files.exists(data)) {
			try (var paths = Files.walk(data)) {
				paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
		this.process = new ManagedProcess("keycloak", List.of(kc.resolve("bin/kc.sh").toString(), "start-dev",
				"--http-port=" + this.port, "--http-host=127.0.0.1", "--http-management-port=" + Ports.free()),
				Map.of("JAVA_HOME", this.java.toString(), "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
						"KC_BOOTSTRAP_ADMIN_PASSWORD", "admin", "JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g"),
				log).start();
		this.process.awaitReady(Duration.ofSeconds(240), () -> Web.get(base() + "/realms/master").status() == 200);
		admin("POST", "/admin/realms", "{\"realm\":\"" + REALM + "\",\"enabled\":true,\"accessTokenLifespan\":3600,"
				+ "\"ssoSessionIdleTimeout\":36000,\"ssoSessionMaxLifespan\":360000,"
				+ "\"passwordPolicy\":\"hashAlgorithm(pbkdf2-sha256) and hashIterations(1)\"}");
		// Keycloak 26 introspects a token only for a client in its audience: bench-cli's tokens name bench-daemon
		admin("POST", "/admin/realms/" + REALM + "/clients", "{\"clientId\":\"" + CLI + "\",\"publicClient\":true,"
				+ "\"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false,\"protocolMappers\":[{\"name\":"
				+ "\"audience\",\"protocol\":\"openid-connect\",\"protocolMapper\":\"oidc-audience-mapper\","
				+ "\"config\":{\"included.client.audience\":\"" + DAEMON + "\",\"access.token.claim\":\"true\","
				+ "\"id.token.claim\":\"false\"}}]}");
		admin("POST", "/admin/realms/" + REALM + "/clients", "{\"clientId\":\"" + DAEMON + "\",\"publicClient\":false,"
				+ "\"secret\":\"" + DAEMON_SECRET + "\",\"serviceAccountsEnabled\":true,\"directAccessGrantsEnabled\":false,"
				+ "\"standardFlowEnabled\":false}");
		return this;
	}

	String version() {
		return this.home.toString();
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	private synchronized String adminToken() {
		if (this.adminToken == null || System.currentTimeMillis() - this.adminTokenAt > 30_000) {
			this.adminToken = Web.form(base() + "/realms/master/protocol/openid-connect/token", Map.of("grant_type",
					"password", "client_id", "admin-cli", "username", "admin", "password", "admin"), null)
				.text("access_token");
			this.adminTokenAt = System.currentTimeMillis();
		}
		return this.adminToken;
	}

	private Web.Answer admin(String method, String path, String body) {
		Web.Answer answer = Web.json(method, base() + path, body, adminToken());
		if (answer.status() >= 300) {
			throw new IllegalStateException(method + " " + path + " answered " + answer.status() + " " + answer.body());
		}
		return answer;
	}

	@Override
	public void createUsers(int count) throws Exception {
		Load.parallel(8, count, (i) -> {
			if (!this.ids.containsKey(i)) {
				Web.Answer created = admin("POST", "/admin/realms/" + REALM + "/users", "{\"username\":\"bench" + i
						+ "\",\"enabled\":true,\"email\":\"bench" + i + "@bench.test\",\"emailVerified\":true,"
						+ "\"firstName\":\"Bench\",\"lastName\":\"User" + i + "\",\"credentials\":[{\"type\":\"password\","
						+ "\"value\":\"" + Ours.PASSWORD + "\",\"temporary\":false}]}");
				String location = created.headers().get("location").get(0);
				this.ids.put(i, location.substring(location.lastIndexOf('/') + 1));
			}
			return null;
		});
	}

	@Override
	public String userId(int user) {
		return this.ids.get(user);
	}

	private String token() {
		return base() + "/realms/" + REALM + "/protocol/openid-connect/token";
	}

	@Override
	public Session signIn(int user) {
		Web.Answer answer = Web.form(token(), Map.of("grant_type", "password", "client_id", CLI, "username",
				"bench" + user, "password", Ours.PASSWORD, "scope", "openid"), null);
		if (answer.status() != 200) {
			throw new IllegalStateException("sign-in failed: " + answer.status() + " " + answer.body());
		}
		return new Session(userId(user), answer.text("refresh_token"), answer.text("access_token"));
	}

	@Override
	public String tokenUrl() {
		return token();
	}

	@Override
	public String publicClientId() {
		return CLI;
	}

	@Override
	public String introspectUrl() {
		return token() + "/introspect";
	}

	@Override
	public String introspectAuthorization() {
		return Web.basic(DAEMON, DAEMON_SECRET);
	}

	@Override
	public boolean isRefused(Web.Answer refresh) {
		return refresh.status() == 400 && refresh.body().contains("invalid_grant");
	}

	@Override
	public Web.Answer clientCredentials() {
		return Web.form(token(), Map.of("grant_type", "client_credentials", "client_id", DAEMON, "client_secret",
				DAEMON_SECRET), null);
	}

	@Override
	public Web.Answer revoke(String userId) {
		return Web.json("POST", base() + "/admin/realms/" + REALM + "/users/" + userId + "/logout", null, adminToken());
	}

	@Override
	public Wrk.Call clientCredentialsCall() {
		return Wrk.Call.form(token(), Map.of(), List.of(Web.encode(Map.of("grant_type", "client_credentials",
				"client_id", DAEMON, "client_secret", DAEMON_SECRET))));
	}

	@Override
	public Wrk.Call revokeCall(List<String> userIds) {
		synchronized (this) {
			this.adminToken = null; // a fresh admin token (60 s lifetime in the master realm) for this run
		}
		return new Wrk.Call("POST", userIds.stream().map((id) -> base() + "/admin/realms/" + REALM + "/users/" + id
				+ "/logout").toList(), Map.of("Authorization", "Bearer " + adminToken()), List.of());
	}

	@Override
	public Map<String, Long> pids() {
		long pid = this.process.pid();
		long jvm = ProcessHandle.of(pid).flatMap((p) -> p.descendants().findFirst()).map(ProcessHandle::pid).orElse(pid);
		return Map.of("keycloak", jvm);
	}

	@Override
	public Map<String, Long> rssKb() {
		long pid = this.process.pid();
		// kc.sh starts the JVM as a child of the shell
		long jvm = ProcessHandle.of(pid).flatMap((p) -> p.descendants().findFirst()).map(ProcessHandle::pid).orElse(pid);
		return Map.of("keycloak", Peer.rss(jvm));
	}

	@Override
	public void close() {
		if (this.process != null) {
			List<ProcessHandle> children = ProcessHandle.of(this.process.pid()).map((p) -> p.descendants().toList())
				.orElse(List.of());
			this.process.stop(Duration.ofSeconds(20));
			children.forEach(ProcessHandle::destroy);
		}
	}
}
