package org.revocation.e2e;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;
import org.revocation.localstack.ServiceProcess;

import static org.awaitility.Awaitility.await;

/**
 * A steady, bounded load of sign-ins, refreshes and revocations against a {@link LocalSystem}, shared by the fault
 * tests. Each thread owns a user and loops: sign in, refresh, revoke through a gateway, then try the old refresh token
 * on every token-checker. A client whose gateway or token-checker does not answer (killed) retries on the next
 * instance, as a load balancer would. It counts what it saw and records every refresh honoured after a 200.
 */
final class RevocationLoad {

	/** After a late 200 (answered past the in-force bound), how long an honoured refresh is still "late", not lost. */
	static final Duration LATE_BOUND = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LocalSystem system;

	/** The label of the part of the view that holds a user (a shard), for the per-shard counts; or "all". */
	private final Function<DemoTenant.User, String> shardOf;

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	private final List<Revoked> revoked = Collections.synchronizedList(new ArrayList<>());

	private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

	private final AtomicBoolean running = new AtomicBoolean();

	private final List<Future<?>> threads = new ArrayList<>();

	private ExecutorService executor;

	record Revoked(String user, String refreshToken, long revokeSentAt) {
	}

	record Answer(int status, JsonNode json, String retryAfter, String failure) {

		String text(String field) {
			JsonNode node = (this.json != null) ? this.json.get(field) : null;
			return (node != null) ? node.asString() : "";
		}
	}

	/** Whether a revocation with no answer within 30 s is counted apart (else it is an unclear answer). */
	private final boolean countNoAnswer;

	RevocationLoad(LocalSystem system, Function<DemoTenant.User, String> shardOf, boolean countNoAnswer) {
		this.system = system;
		this.shardOf = shardOf;
		this.countNoAnswer = countNoAnswer;
	}

	RevocationLoad(LocalSystem system) {
		this(system, (user) -> "all", false);
	}

	void start(List<DemoTenant.User> users, String appToken) {
		this.running.set(true);
		this.executor = Executors.newFixedThreadPool(users.size());
		for (DemoTenant.User user : users) {
			this.threads.add(this.executor.submit(() -> {
				loop(user, appToken);
				return null;
			}));
		}
	}

	void stop() throws Exception {
		this.running.set(false);
		for (Future<?> thread : this.threads) {
			thread.get(120, TimeUnit.SECONDS);
		}
		this.executor.shutdown();
	}

	/** Revocations answered 200 that are not in effect on some token-checker within a minute: lost. */
	long lost() {
		long lost = 0;
		for (Revoked session : this.revoked) {
			for (int checker = 0; checker < this.system.tokenCheckers.size(); checker++) {
				int index = checker;
				try {
					await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
						.until(() -> isRefused(refresh(index, session.refreshToken())));
				}
				catch (org.awaitility.core.ConditionTimeoutException ex) {
					lost++;
				}
			}
		}
		return lost;
	}

	List<String> violations() {
		return this.violations;
	}

	long count(String name) {
		AtomicLong count = this.counts.get(name);
		return (count != null) ? count.get() : 0;
	}

	/** Counts whose name starts with a prefix, by the rest of the name. */
	Map<String, Long> countsStartingWith(String prefix) {
		Map<String, Long> matching = new TreeMap<>();
		this.counts.forEach((name, count) -> {
			if (name.startsWith(prefix)) {
				matching.put(name.substring(prefix.length()), count.get());
			}
		});
		return matching;
	}

	private void loop(DemoTenant.User user, String appToken) throws Exception {
		String shard = this.shardOf.apply(user);
		while (this.running.get()) {
			String refreshToken = signIn(user, shard);
			if (refreshToken == null) {
				return;
			}
			refresh(nextChecker(), refreshToken); // the session is used before its revocation
			long sentAt = System.currentTimeMillis();
			Answer revoke = revoke(user, appToken);
			long answeredAt = System.currentTimeMillis();
			increment("revoke.sent");
			if (revoke.status() == 200) {
				boolean late = answeredAt - sentAt >= LocalSystem.IN_FORCE_TIMEOUT.toMillis();
				increment("revoke.accepted");
				if (late) {
					increment("revoke.late");
				}
				this.revoked.add(new Revoked(user.upn(), refreshToken, sentAt));
				for (int checker = 0; checker < this.system.tokenCheckers.size(); checker++) {
					long refreshSentAt = System.currentTimeMillis();
					Answer refresh = refresh(checker, refreshToken);
					if (refresh.status() == 200) {
						if (late && refreshSentAt < answeredAt + LATE_BOUND.toMillis()) {
							increment("refresh.lateHonoured");
						}
						else {
							this.violations.add(user.upn() + " refresh honoured on checker " + checker + " "
									+ (refreshSentAt - answeredAt) + " ms after the 200 (late=" + late + ")");
						}
					}
					else {
						classifyRefusal(refresh, shard);
					}
				}
			}
			else if (revoke.status() == 503 && revoke.retryAfter() != null) {
				increment("revoke.unavailable");
			}
			else if ("unreachable".equals(revoke.failure())) {
				increment("revoke.unreachable"); // no gateway took it: the client knows it was not accepted
			}
			else if ("hung".equals(revoke.failure()) && this.countNoAnswer) {
				increment("revoke.noAnswer"); // no answer within 30 s: not a 200, so not counted as accepted
			}
			else {
				unclear("revoke", revoke);
			}
			Thread.sleep(100); // a steady load, light enough that the killed JVMs restart quickly on 2 cores
		}
	}

	/**
	 * Sends the revocation to a gateway; one that does not answer (killed, or no connection within the connect
	 * timeout) → the next one, as a load balancer would, for a bounded number of rounds.
	 */
	private Answer revoke(DemoTenant.User user, String appToken) throws InterruptedException {
		Answer answer = null;
		for (int attempt = 0; attempt < this.system.gateways.size() * 5; attempt++) {
			int gateway = nextGateway();
			answer = send(HttpRequest.newBuilder(URI.create(this.system.graph(gateway) + "/users/" + user.id()
					+ "/revokeSignInSessions"))
				.header("Authorization", "Bearer " + appToken)
				.POST(HttpRequest.BodyPublishers.noBody()));
			if (!"unreachable".equals(answer.failure())) {
				return answer;
			}
			increment("gateway.unreachable");
			if (attempt % this.system.gateways.size() == this.system.gateways.size() - 1) {
				Thread.sleep(500); // every instance tried: wait a little before the next round
			}
		}
		return answer;
	}

	private void classifyRefusal(Answer refresh, String shard) {
		if (refresh.failure() != null) {
			increment(refresh.failure());
		}
		else if (isRefused(refresh)) {
			increment("refresh.refused");
		}
		else if (refresh.status() == 503 && refresh.text("error").equals("temporarily_unavailable")) {
			increment("refresh.unavailable");
			increment("failClosed." + shard);
		}
		else {
			unclear("refresh", refresh);
		}
	}

	/** Signs in on a token-checker that answers, retrying clear refusals (Redis down) until the load stops. */
	private String signIn(DemoTenant.User user, String shard) throws InterruptedException {
		while (this.running.get()) {
			Answer answer = send(form(nextChecker(), Map.of("grant_type", "password", "client_id",
					DemoTenant.CONTOSO_CLI.clientId(), "username", user.upn(), "password", user.password(), "scope",
					Clients.USER_SCOPES)));
			if (answer.status() == 200) {
				increment("signIn");
				return answer.text("refresh_token");
			}
			if (answer.failure() != null) {
				increment(answer.failure());
			}
			else if (answer.status() == 503 && answer.text("error").equals("temporarily_unavailable")) {
				increment("failClosed." + shard);
			}
			else {
				unclear("sign-in", answer);
			}
			Thread.sleep(200);
		}
		return null;
	}

	Answer refresh(int checker, String refreshToken) {
		return send(form(checker, Map.of("grant_type", "refresh_token", "client_id", DemoTenant.CONTOSO_CLI.clientId(),
				"refresh_token", refreshToken)));
	}

	static boolean isRefused(Answer answer) {
		return answer.status() == 400 && answer.text("error_description").startsWith("AADSTS50173: ");
	}

	private HttpRequest.Builder form(int checker, Map<String, String> fields) {
		String body = fields.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return HttpRequest.newBuilder(URI.create(this.system.tokenChecker(checker) + "/" + DemoTenant.CONTOSO
				+ "/oauth2/v2.0/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private Answer send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			JsonNode json = response.body().startsWith("{") ? JSON.readTree(response.body()) : null;
			return new Answer(response.statusCode(), json, response.headers().firstValue("Retry-After").orElse(null),
					null);
		}
		catch (java.net.http.HttpConnectTimeoutException ex) {
			return new Answer(0, null, null, "unreachable"); // no connection within the connect timeout
		}
		catch (HttpTimeoutException ex) {
			return new Answer(0, null, null, "hung");
		}
		catch (ConnectException ex) {
			return new Answer(0, null, null, "unreachable"); // a killed instance: nobody listens
		}
		catch (java.io.IOException ex) {
			return new Answer(0, null, null, "unreachable"); // a connection cut by the kill
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Answer(0, null, null, "hung");
		}
	}

	private void unclear(String what, Answer answer) {
		increment("unclear");
		System.out.printf("load: unclear %s answer %d %s %s%n", what, answer.status(), answer.json(), answer.failure());
	}

	private void increment(String name) {
		this.counts.computeIfAbsent(name, (k) -> new AtomicLong()).incrementAndGet();
	}

	private final ThreadLocal<int[]> nextChecker = ThreadLocal.withInitial(() -> new int[1]);

	private final ThreadLocal<int[]> nextGateway = ThreadLocal.withInitial(() -> new int[1]);

	/** Which token-checker a thread uses next: alternate, skipping one that is down (as a load balancer would). */
	private int nextChecker() {
		return next(this.nextChecker.get(), this.system.tokenCheckers);
	}

	private int nextGateway() {
		return next(this.nextGateway.get(), this.system.gateways);
	}

	private static int next(int[] next, List<ServiceProcess> instances) {
		for (int i = 0; i < instances.size(); i++) {
			int candidate = next[0]++ % instances.size();
			if (instances.get(candidate).process().isAlive()) {
				return candidate;
			}
		}
		return 0;
	}
}
