package org.revocation.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis container restarted empty (DESIGN.md section 4): the token-checkers fail closed (503
 * {@code temporarily_unavailable}) while the view is incomplete, and the worker's rebuild from the log restores every
 * cutoff. The worker is paused across the restart so that the fail-closed window can be observed at leisure; once it
 * runs again it finds the completeness marker missing and replays.
 */
@ContainerEngine.Required
class ContainersRedisRestartTests {

	private static ContainerizedSystem system;

	@BeforeAll
	static void start() {
		system = ContainerizedSystem.get();
	}

	@Test
	void restartWhenRedisComesBackEmptyThenCheckersFailClosedUntilTheRebuildRestoresEveryCutoff() {
		String token = system.tokenEndpoint();
		String appToken = Clients.appToken(token);
		List<DemoTenant.User> revoked = List.of(DemoTenant.BOB, DemoTenant.HENRY);
		Map<DemoTenant.User, String> oldSessions = revoked.stream()
			.collect(Collectors.toMap(Function.identity(), (user) -> Clients.signIn(token, user).text("refresh_token")));
		for (DemoTenant.User user : revoked) {
			assertThat(Http.post(system.graph() + "/users/" + user.id() + "/revokeSignInSessions", appToken).status())
				.isEqualTo(200);
		}
		Map<DemoTenant.User, String> cutoffs = revoked.stream()
			.collect(Collectors.toMap(Function.identity(), ContainersRedisRestartTests::cutoff));
		String live = Clients.signIn(token, DemoTenant.CAROL).text("refresh_token");
		assertThat(Clients.refresh(token, live).status()).isEqualTo(200);

		system.pause(system.worker);
		try {
			system.kill(system.redis);
			system.startAgain(system.redis);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				Http.Answer answer = Clients.refresh(token, live);
				assertThat(answer.status()).as(answer.response().body()).isEqualTo(503);
				assertThat(answer.text("error")).isEqualTo("temporarily_unavailable");
			});
			for (int i = 0; i < 3; i++) {
				assertThat(Clients.refresh(token, oldSessions.get(DemoTenant.BOB)).status()).as("fail closed")
					.isEqualTo(503);
			}
		}
		finally {
			system.unpause(system.worker);
		}

		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(Clients.refresh(token, live).status()).isEqualTo(200));
		for (DemoTenant.User user : revoked) {
			Http.Answer refused = Clients.refresh(token, oldSessions.get(user));
			assertThat(refused.status()).as(user.upn()).isEqualTo(400);
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
			assertThat(cutoff(user)).as("restored from the log").isEqualTo(cutoffs.get(user));
		}
	}

	private static String cutoff(DemoTenant.User user) {
		Http.Answer read = Http.get(system.graph() + "/users/" + user.id() + "?$select=signInSessionsValidFromDateTime",
				Clients.appToken(system.tokenEndpoint()));
		assertThat(read.status()).isEqualTo(200);
		return read.text("signInSessionsValidFromDateTime");
	}
}
