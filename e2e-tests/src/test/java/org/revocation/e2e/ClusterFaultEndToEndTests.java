package org.revocation.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.ClusterRedis;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;
import org.revocation.localstack.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16's fault scenario on the highly-available topology: three Kafka brokers (RF 3, min ISR 2), a Redis Cluster of
 * three masters with a replica each, two gateways, two workers and two token-checkers. Under a steady bounded load of
 * revocations and refreshes ({@link RevocationLoad}, clients retry on the other gateway / token-checker), the test
 * SIGKILLs and restarts, one after the other: the leader broker of a busy partition, a Redis master (waiting for its
 * replica's promotion), a worker, then a gateway and a token-checker together.
 * <p>
 * It prints and asserts: revocations sent / accepted / 503 / answered late (the gateways' own
 * {@code gateway_revocations_late_total}, summed over their lives, and the client's view), refreshes honoured after a
 * 200 (none apart from late-answered ones), revocations lost (none), and fail-closed answers per shard. A revocation
 * that got no answer within 30 s (seen on a restarted gateway of a heavily loaded machine) is printed apart and not
 * asserted: the client saw no 200, so it is neither accepted nor lost.
 */
class ClusterFaultEndToEndTests {

	/** The bound for the faults under load (the killed JVMs starting again on 2 loaded cores are most of it). */
	static final Duration BOUND = Duration.ofMinutes(4);

	private static final List<DemoTenant.User> USERS = List.of(DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.MEGAN,
			DemoTenant.HENRY);

	private static LocalSystem system;

	private double gatewayLate;

	@BeforeAll
	static void startSystem() {
		system = LocalSystem.cluster(2, 2, 2, Map.of()).start();
	}

	@AfterAll
	static void stopSystem() {
		if (system != null) {
			system.close();
		}
	}

	@Test
	void faultsWhenEachKindOfPartIsKilledUnderLoadThenNothingLostAndNothingHonoured() throws Exception {
		String appToken = Clients.appToken(system);
		RevocationLoad load = new RevocationLoad(system, ClusterFaultEndToEndTests::shardOf, true);
		long started = System.nanoTime();
		load.start(USERS, appToken);
		Duration faults;
		try {
			log("faults: load started");
			pause(3);

			int leader = leaderOfBusyPartition();
			log("faults: SIGKILL kafka broker " + leader + " (leader of the partition of " + DemoTenant.BOB.upn() + ")");
			system.kafkaCluster.kill(leader);
			pause(2);
			system.kafkaCluster.restart(leader);
			log("faults: broker " + leader + " back");
			pause(2);

			int slot = ClusterRedis.slotOf(RedisKeys.cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id()).key());
			int master = system.redisCluster.masterOf(slot);
			int replica = system.redisCluster.replicaOf(master);
			log("faults: SIGKILL redis master " + master + " (slot " + slot + "), replica " + replica);
			long killed = System.nanoTime();
			system.redisCluster.kill(master);
			system.redisCluster.awaitMaster(replica, Duration.ofSeconds(30));
			log("faults: replica " + replica + " promoted after " + (System.nanoTime() - killed) / 1_000_000 + " ms");
			system.redisCluster.restart(master);
			system.redisCluster.awaitHealthy(Duration.ofSeconds(60));
			log("faults: old master " + master + " back as a replica");
			pause(2);

			restart("worker", system.workers.get(0));

			ServiceProcess gateway = system.gateways.get(0);
			ServiceProcess checker = system.tokenCheckers.get(0);
			this.gatewayLate += lateCount(0);
			log("faults: SIGKILL gateway 0 (pid " + gateway.process().pid() + ") and token-checker 0 (pid "
					+ checker.process().pid() + ")");
			gateway.kill();
			checker.kill();
			gateway.start();
			checker.start();
			gateway.awaitHealthy(LocalSystem.START);
			checker.awaitHealthy(LocalSystem.START);
			log("faults: gateway 0 and token-checker 0 back");
			pause(3);
		}
		finally {
			faults = Duration.ofNanos(System.nanoTime() - started);
			load.stop();
		}
		this.gatewayLate += lateCount(0) + lateCount(1);

		awaitHealthy();
		long lost = load.lost();
		System.out.printf("cluster faults: %d s under load; revocations sent=%d accepted=%d 503=%d "
				+ "no-gateway-reachable=%d no-answer-within-30s=%d late(gateway)=%.0f late(client)=%d; refreshes of revoked sessions refused=%d honoured-after-200=%d "
				+ "honoured-within-late-bound=%d; lost=%d; fail-closed answers per shard=%s; unreachable instance "
				+ "(retried on the other): gateway=%d checker=%d; sign-ins=%d; unclear=%d; hung=%d%n", faults.toSeconds(),
				load.count("revoke.sent"), load.count("revoke.accepted"), load.count("revoke.unavailable"),
				load.count("revoke.unreachable"), load.count("revoke.noAnswer"), this.gatewayLate, load.count("revoke.late"), load.count("refresh.refused"), load.violations().size(),
				load.count("refresh.lateHonoured"), lost, load.countsStartingWith("failClosed."),
				load.count("gateway.unreachable"), load.count("unreachable"), load.count("signIn"), load.count("unclear"),
				load.count("hung"));
		load.violations().forEach((v) -> System.out.println("cluster faults: violation " + v));
		assertThat(faults).isLessThanOrEqualTo(BOUND);
		assertThat(load.count("revoke.accepted")).isPositive();
		assertThat(load.violations()).as("refreshes of revoked sessions honoured after the 200").isEmpty();
		assertThat(lost).as("revocations answered 200 not in effect").isZero();
		assertThat(load.count("unclear")).as("failures without a clear error").isZero();
		assertThat(load.count("hung")).isZero();
	}

	/** The shard (slot range of the three initial masters) that holds a user's cutoff. */
	private static String shardOf(DemoTenant.User user) {
		int slot = ClusterRedis.slotOf(RedisKeys.cutoff(user.tenantId(), user.id()).key());
		return "shard-" + ((slot <= 5460) ? 1 : (slot <= 10922) ? 2 : 3);
	}

	/** The node id of the broker leading the partition of the first user's events (Kafka's default partitioner). */
	private static int leaderOfBusyPartition() throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers()))) {
			TopicDescription topic = admin.describeTopics(List.of("revocation-events")).allTopicNames()
				.get(30, TimeUnit.SECONDS).get("revocation-events");
			byte[] key = RevocationEvent.key(DemoTenant.CONTOSO, DemoTenant.BOB.id()).getBytes(StandardCharsets.UTF_8);
			int partition = Utils.toPositive(Utils.murmur2(key)) % topic.partitions().size();
			return topic.partitions().get(partition).leader().id();
		}
	}

	/** {@code gateway_revocations_late_total} of a gateway (0 when it does not answer). */
	private static double lateCount(int gateway) {
		try {
			String body = java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.gatewayMetrics(gateway)))
					.timeout(Duration.ofSeconds(5))
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
				.body();
			for (String line : body.split("\n")) {
				if (line.startsWith("gateway_revocations_late_total")) {
					return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				}
			}
		}
		catch (java.io.IOException | RuntimeException ex) {
			// not answering
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 0;
	}

	private void restart(String name, ServiceProcess service) {
		log("faults: SIGKILL " + name + " (pid " + service.process().pid() + ")");
		service.kill();
		service.start().awaitHealthy(LocalSystem.START);
		log("faults: " + name + " back");
		pause(2);
	}

	private static void awaitHealthy() {
		await().atMost(LocalSystem.START).pollInterval(Duration.ofMillis(500))
			.until(() -> system.services.stream().allMatch(ServiceProcess::isHealthy));
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
