package org.revocation.e2e;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's container SIGKILLed and started again while revocations arrive: every revocation answered 200 is in
 * force afterwards (the user's cutoff is at least the moment its request was sent, and the sessions signed in before
 * are refused), none lost. While the worker is down the gateway answers 200 after its in-force bound (the event is
 * durable in Kafka), and the restarted worker applies everything from its committed offset.
 */
@ContainerEngine.Required
class ContainersWorkerKillTests {

	private static final List<DemoTenant.User> USERS = List.of(DemoTenant.ADELE, DemoTenant.MEGAN, DemoTenant.HENRY,
			DemoTenant.CAROL);

	private static ContainerizedSystem system;

	@BeforeAll
	static void start() {
		system = ContainerizedSystem.get();
	}

	@Test
	void revokeWhenWorkerKilledAndRestartedThenEveryAcceptedRevocationIsInForce() throws Exception {
		String token = system.tokenEndpoint();
		String appToken = Clients.appToken(token);
		Map<DemoTenant.User, String> oldSessions = new ConcurrentHashMap<>();
		USERS.forEach((user) -> oldSessions.put(user, Clients.signIn(token, user).text("refresh_token")));
		Map<DemoTenant.User, Instant> lastAccepted = new ConcurrentHashMap<>();
		AtomicInteger accepted = new AtomicInteger();
		AtomicInteger unavailable = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService load = Executors.newFixedThreadPool(USERS.size());
		List<Future<?>> callers = USERS.stream().<Future<?>>map((user) -> load.submit(() -> {
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
			while (running.get() && System.nanoTime() < deadline) {
				Instant sent = Instant.now().truncatedTo(ChronoUnit.MILLIS);
				Http.Answer answer = Http.post(system.graph() + "/users/" + user.id() + "/revokeSignInSessions",
						appToken);
				if (answer.status() == 200) {
					accepted.incrementAndGet();
					lastAccepted.put(user, sent);
				}
				else {
					assertThat(answer.status()).as(answer.response().body()).isEqualTo(503);
					unavailable.incrementAndGet();
				}
			}
		})).toList();

		await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 20);
		long killedAt = System.nanoTime();
		system.kill(system.worker);
		int acceptedBeforeKill = accepted.get();
		await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= acceptedBeforeKill + 8);
		system.startAgain(system.worker);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(ContainersWorkerKillTests::workerHealthy);
		double downSeconds = (System.nanoTime() - killedAt) / 1e9;
		int acceptedAfterRestart = accepted.get();
		await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= acceptedAfterRestart + 20);
		running.set(false);
		for (Future<?> caller : callers) {
			caller.get(60, TimeUnit.SECONDS);
		}
		load.shutdown();

		for (DemoTenant.User user : USERS) {
			Instant sent = lastAccepted.get(user);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				Http.Answer read = Http.get(system.graph() + "/users/" + user.id()
						+ "?$select=signInSessionsValidFromDateTime", appToken);
				assertThat(read.status()).isEqualTo(200);
				assertThat(Instant.parse(read.text("signInSessionsValidFromDateTime"))).as(user.upn())
					.isAfterOrEqualTo(sent);
			});
			Http.Answer refused = Clients.refresh(token, oldSessions.get(user));
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
		}
		System.out.printf("containers, worker SIGKILLed: down %.1f s; revocations accepted=%d unavailable=%d lost=0%n",
				downSeconds, accepted.get(), unavailable.get());
	}

	private static boolean workerHealthy() {
		var state = DockerClientFactory.instance().client().inspectContainerCmd(system.worker.getContainerId()).exec()
			.getState();
		return Boolean.TRUE.equals(state.getRunning()) && state.getHealth() != null
				&& "healthy".equals(state.getHealth().getStatus());
	}
}
