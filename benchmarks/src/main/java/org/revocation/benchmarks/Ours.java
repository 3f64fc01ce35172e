package org.revocation.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.revocation.localstack.LocalSystem;

/**
 * The pipeline as separate processes (local-stack's {@link LocalSystem}: Kafka, Redis, token-checker, worker,
 * gateway) with a directory of benchmark users (bcrypt cost 4: sign-ins are set-up work, not what is measured). By
 * default the single-node topology with one worker; {@link #Ours(Path, Path, String, boolean, int)} chooses the
 * cluster topology (three brokers, Redis Cluster of three masters with a replica each) and the number of workers.
 */
final class Ours implements Peer {

	static final String CONTOSO = "f914a70e-66af-4bd6-835d-1be02bff9399";

	static final String CLI = "2bb55943-ddd6-48cc-8e79-2ef1dd045656";

	static final String DAEMON = "11d82b21-0e36-4476-9d16-c0a762e3a322";

	static final String DAEMON_SECRET = "daemon-secret-change-me";

	static final String PORTAL = "9ee5fffb-5208-4e29-8b56-3659dfc3344a";

	static final String PORTAL_SECRET = "portal-secret-change-me";

	static final String PASSWORD = "bench-Passw0rd!";

	private final Path root;

	private final Path work;

	private final String name;

	private final boolean cluster;

	private final int workers;

	private LocalSystem system;

	private String appToken;

	Ours(Path root, Path work) {
		this(root, work, "pipeline", false, 1);
	}

	Ours(Path root, Path work, String name, boolean cluster, int workers) {
		this.root = root;
		this.work = work;
		this.name = name;
		this.cluster = cluster;
		this.workers = workers;
	}

	@Override
	public String name() {
		return this.name;
	}

	LocalSystem system() {
		return this.system;
	}

	/** Writes the directory with {@code count} users and starts the system with it. */
	@Override
	public void createUsers(int count) throws Exception {
		ObjectNode directory = (ObjectNode) Web.JSON.readTree(Files.readString(this.root.resolve("config/demo-directory.json")));
		ArrayNode users = (ArrayNode) directory.get("tenants").get(0).get("users");
		String hash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode(PASSWORD);
		for (int i = 0; i < count; i++) {
			ObjectNode user = users.addObject();
			user.put("id", userId(i));
			user.put("userPrincipalName", "bench" + i + "@contoso.test");
			user.put("displayName", "Bench " + i);
			user.put("passwordHash", hash);
			user.putArray("directoryRoles");
			user.put("createdDateTime", "2024-01-01T00:00:00Z");
		}
		Path file = this.work.resolve("bench-directory.json");
		Files.createDirectories(this.work);
		Files.writeString(file, Web.JSON.writeValueAsString(directory));
		Map<String, String> environment = Map.of("DIRECTORY_FILE", file.toString());
		this.system = (this.cluster ? LocalSystem.cluster(this.workers, 1, 1, environment)
				: new LocalSystem(this.workers, 1, environment)).start();
		this.appToken = clientCredentials().text("access_token");
	}

	@Override
	public String userId(int user) {
		return UUID.nameUUIDFromBytes(("bench-user-" + user).getBytes()).toString();
	}

	private String token() {
		return this.system.tokenChecker(0) + "/" + CONTOSO + "/oauth2/v2.0/token";
	}

	@Override
	public Session signIn(int user) {
		Web.Answer answer = Web.form(token(), Map.of("grant_type", "password", "client_id", CLI, "username",
				"bench" + user + "@contoso.test", "password", PASSWORD, "scope", "openid offline_access User.Read"), null);
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
		return this.system.tokenChecker(0) + "/" + CONTOSO + "/oauth2/v2.0/introspect";
	}

	@Override
	public String introspectAuthorization() {
		return Web.basic(PORTAL, PORTAL_SECRET);
	}

	@Override
	public boolean isRefused(Web.Answer refresh) {
		return refresh.status() == 400 && refresh.body().contains("AADSTS50173");
	}

	@Override
	public Web.Answer clientCredentials() {
		return Web.form(token(), Map.of("grant_type", "client_credentials", "client_id", DAEMON, "client_secret",
				DAEMON_SECRET, "scope", "https://graph.microsoft.com/.default"), null);
	}

	@Override
	public Web.Answer revoke(String userId) {
		return Web.json("POST", this.system.graph() + "/users/" + userId + "/revokeSignInSessions", null, this.appToken);
	}

	@Override
	public Wrk.Call clientCredentialsCall() {
		return Wrk.Call.form(token(), Map.of(), List.of(Web.encode(Map.of("grant_type", "client_credentials",
				"client_id", DAEMON, "client_secret", DAEMON_SECRET, "scope", "https://graph.microsoft.com/.default"))));
	}

	@Override
	public Wrk.Call revokeCall(List<String> userIds) {
		return new Wrk.Call("POST", userIds.stream().map((id) -> this.system.graph() + "/users/" + id
				+ "/revokeSignInSessions").toList(), Map.of("Authorization", "Bearer " + this.appToken), List.of());
	}

	@Override
	public Wrk.Call batchRevokeCall(List<String> userIds, int size) {
		List<String> bodies = new java.util.ArrayList<>();
		for (int first = 0; first + size <= userIds.size(); first += size) {
			StringBuilder body = new StringBuilder("{\"requests\":[");
			for (int i = 0; i < size; i++) {
				body.append((i > 0) ? "," : "").append("{\"id\":\"").append(i + 1)
					.append("\",\"method\":\"POST\",\"url\":\"/users/").append(userIds.get(first + i))
					.append("/revokeSignInSessions\"}");
			}
			bodies.add(body.append("]}").toString());
		}
		return new Wrk.Call("POST", List.of(this.system.graph() + "/$batch"),
				Map.of("Authorization", "Bearer " + this.appToken, "Content-Type", "application/json"), bodies);
	}

	@Override
	public Map<String, Long> pids() {
		Map<String, Long> pids = new LinkedHashMap<>();
		pids.put("api-gateway", this.system.gateway.process().pid());
		pids.put("revocation-worker", this.system.worker.process().pid());
		pids.put("token-checker", this.system.tokenChecker.process().pid());
		if (this.system.isCluster()) {
			return pids; // the per-process CPU figures are taken on the single-node topology only
		}
		pids.put("kafka", this.system.kafka.process().pid());
		try (redis.clients.jedis.Jedis redis = new redis.clients.jedis.Jedis("127.0.0.1", this.system.redis.port())) {
			for (String line : redis.info("server").split("\r?\n")) {
				if (line.startsWith("process_id:")) {
					pids.put("redis", Long.parseLong(line.substring("process_id:".length()).trim()));
				}
			}
		}
		return pids;
	}

	@Override
	public Map<String, Long> rssKb() {
		Map<String, Long> rss = new LinkedHashMap<>();
		rss.put("api-gateway", Peer.rss(this.system.gateway.process().pid()));
		rss.put("revocation-worker", Peer.rss(this.system.worker.process().pid()));
		rss.put("token-checker", Peer.rss(this.system.tokenChecker.process().pid()));
		return rss;
	}

	@Override
	public void close() {
		if (this.system != null) {
			this.system.close();
		}
	}
}
