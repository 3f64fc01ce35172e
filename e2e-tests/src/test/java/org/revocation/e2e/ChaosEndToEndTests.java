package org.revocation.e2e;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;
import org.revocation.localstack.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7's chaos scenario. For a bounded time (under two minutes) revocations and refreshes run against one gateway,
 * two workers and two token-checkers while the test kills with SIGKILL and restarts, one at a time, a worker, a
 * token-checker, the Kafka broker and Redis (which comes back empty). Each load thread owns a user and loops: sign in,
 * refresh, revoke through the gateway, then try the old refresh token on both token-checkers.
 * <p>
 * Afterwards: every revocation answered 200 is in effect (every session that signed in before it is refused on every
 * token-checker); no refresh of a revoked session was honoured after its 200 (after its 200 plus {@link RevocationLoad#LATE_BOUND}
 * when the 200 itself was late, the worker being down); the load is {@link RevocationLoad}; and every failed request got a clear answer (503 with
 * {@code Retry-After}, or the OAuth {@code temporarily_unavailable}), none hung. A token-checker that is down does
 * not answer at all: the client then uses the other one, as a load balancer would.
 */
class ChaosEndToEndTests {

	private static LocalSystem system;

	@BeforeAll
	static void startSystem() {
		system = new LocalSystem(2, 2).start();
	}

	@AfterAll
	static void stopSystem() {
		if (system != null) {
			system.close();
		}
	}

	@Test
	void chaosWhenPartsKilledAndRestartedUnderLoadThenNothingLostAndNothingHonoured() throws Exception {
		String appToken = Clients.appToken(system);
		long started = System.nanoTime();
		RevocationLoad load = new RevocationLoad(system);
		load.start(List.of(DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.MEGAN, DemoTenant.HENRY), appToken);
		Duration chaos;
		try {
			log("chaos: load started");
			pause(2);
			chaos("worker", system.workers.get(0));
			chaos("token-checker", system.tokenCheckers.get(0));
			log("chaos: SIGKILL kafka");
			system.kafka.kill();
			pause(1);
			system.kafka.start();
			awaitHealthy();
			log("chaos: kafka back, every service healthy");
			pause(1);
			log("chaos: SIGKILL redis (it comes back empty)");
			system.redis.kill();
			pause(1);
			system.redis.start();
			awaitHealthy();
			log("chaos: redis back, every service healthy");
			pause(2);
		}
		finally {
			chaos = Duration.ofNanos(System.nanoTime() - started); // the load ran this long, under the faults
			load.stop();
		}

		// every revocation answered 200 is in effect on every token-checker
		awaitHealthy();
		long lost = load.lost();
		System.out.printf("chaos: %d s; revocations sent=%d accepted=%d (late=%d) unavailable=%d; refreshes of revoked "
				+ "sessions refused=%d honoured-within-late-bound=%d unavailable=%d unreachable-checker=%d; sign-ins=%d; "
				+ "lost=%d; violations=%d; unclear=%d; hung=%d%n", chaos.toSeconds(), load.count("revoke.sent"),
				load.count("revoke.accepted"), load.count("revoke.late"), load.count("revoke.unavailable"),
				load.count("refresh.refused"), load.count("refresh.lateHonoured"), load.count("refresh.unavailable"),
				load.count("unreachable"), load.count("signIn"), lost, load.violations().size(), load.count("unclear"),
				load.count("hung"));
		// the bound: the load runs under the faults for at most 2 minutes (most of it the killed JVMs starting again)
		assertThat(chaos).isLessThanOrEqualTo(Duration.ofMinutes(2));
		assertThat(load.count("revoke.accepted")).isPositive();
		assertThat(load.count("revoke.unavailable")).as("revocations refused while the broker was down").isPositive();
		assertThat(load.violations()).as("refreshes of revoked sessions honoured after the 200").isEmpty();
		assertThat(lost).as("revocations answered 200 not in effect").isZero();
		assertThat(load.count("unclear")).as("failures without a clear error").isZero();
		assertThat(load.count("hung")).isZero();
	}

	private void chaos(String name, ServiceProcess service) {
		log("chaos: SIGKILL " + name + " (pid " + service.process().pid() + ")");
		service.kill();
		service.start().awaitHealthy(LocalSystem.START);
		log("chaos: " + name + " back");
		pause(1);
	}

	private static void awaitHealthy() {
		await().atMost(LocalSystem.START).pollInterval(Duration.ofMillis(500)).until(() -> system.services.stream()
			.allMatch(ServiceProcess::isHealthy) && system.redis.ping());
	}

	private static void pause(int seconds) {
		try {
			Thread.sleep(seconds * 1000L); // the load runs meanwhile: this spaces the faults, it proves no time rule
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void log(String line) {
		System.out.println(java.time.LocalTime.now() + " " + line);
	}
}
