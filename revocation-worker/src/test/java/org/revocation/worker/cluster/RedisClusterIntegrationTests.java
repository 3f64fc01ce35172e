package org.revocation.worker.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.ClusterRedis;
import org.revocation.core.redis.CutoffReader;
import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalRedisCluster;
import org.revocation.localstack.Resp;
import org.revocation.worker.apply.CutoffWriter;
import org.revocation.worker.apply.NotReplicatedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The writer and the reader against a real Redis Cluster of 3 masters + 3 replicas (six {@code redis-server}
 * processes formed by the test): max-merge per slot, completeness per group, "applied means replicated" (WAIT), and a
 * master SIGKILLed mid-stream losing no acknowledged cutoff.
 */
class RedisClusterIntegrationTests {

	private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123Z");

	private static LocalRedisCluster cluster;

	private static ClusterRedis redis;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CutoffWriter writer = new CutoffWriter(redis, Clock.systemUTC(), this.meters, Duration.ofMillis(300));

	private final CutoffReader reader = new CutoffReader(redis);

	@BeforeAll
	static void startCluster() throws Exception {
		Path dir = Files.createTempDirectory("redis-cluster");
		cluster = LocalRedisCluster.start(dir);
		redis = ClusterRedis.create(ClusterRedis.parseNodes(cluster.seeds()),
				DefaultJedisClientConfig.builder().connectionTimeoutMillis(500).socketTimeoutMillis(1000).build(), 5,
				Duration.ofSeconds(2));
	}

	@AfterAll
	static void stopCluster() {
		if (redis != null) {
			redis.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void completeView() {
		cluster.awaitHealthy(Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			redis.renewSlotCache();
			ViewMarkers.markComplete(redis);
			assertThat(ViewMarkers.complete(redis)).isTrue();
		});
	}

	@Test
	void applyWhenOutOfOrderOnEveryShardThenEachUserHoldsTheMaximum() {
		List<String> users = users(300);
		List<RevocationEvent> batch = new ArrayList<>();
		for (String user : users) {
			batch.add(revocation(user, T0.plusMillis(200)));
			batch.add(revocation(user, T0));
			batch.add(revocation(user, T0.plusMillis(100)));
		}
		CutoffWriter.Applied applied = this.writer.apply(batch);

		assertThat(applied.viewComplete()).isTrue();
		assertThat(applied.latest()).hasSize(users.size());
		for (String user : users) {
			assertThat(this.reader.cutoff(DemoTenant.CONTOSO, user)).contains(T0.plusMillis(200));
		}
		assertThat(shardsOf(users)).hasSize(3);
	}

	@Test
	void cutoffWhenOneShardLostItsDataThenOnlyItsUsersFailClosedAndOnlyItsGroupsAreMissing() {
		List<String> users = users(200);
		this.writer.apply(users.stream().map((u) -> revocation(u, T0)).toList());
		int lostMaster = cluster.masterOf(0);

		Resp.call(lostMaster, "FLUSHALL"); // the shard comes back empty (replicated to its replica)

		Set<Integer> missing = ViewMarkers.missing(redis);
		assertThat(missing).isNotEmpty().hasSizeLessThan(RedisKeys.GROUPS);
		int failedClosed = 0;
		for (String user : users) {
			RedisKeys.Slot slot = RedisKeys.cutoff(DemoTenant.CONTOSO, user);
			boolean lost = cluster.masterOf(ClusterRedis.slotOf(slot.key())) == lostMaster;
			assertThat(missing.contains(slot.group())).isEqualTo(lost);
			if (lost) {
				failedClosed++;
				assertThatThrownBy(() -> this.reader.cutoff(DemoTenant.CONTOSO, user))
					.isInstanceOf(CutoffUnavailableException.class)
					.hasMessageContaining("group " + slot.group());
			}
			else {
				assertThat(this.reader.cutoff(DemoTenant.CONTOSO, user)).contains(T0);
			}
		}
		assertThat(failedClosed).isPositive().isLessThan(users.size());
		// a batch that touches a missing group reports the view incomplete for exactly those groups
		CutoffWriter.Applied applied = this.writer.apply(users.stream().map((u) -> revocation(u, T0)).toList());
		assertThat(applied.viewComplete()).isFalse();
		assertThat(missing).containsAll(applied.incompleteGroups());
	}

	@Test
	void applyWhenTheReplicaDoesNotAcknowledgeThenTheBatchIsNotAppliedAndCounted() {
		List<String> users = users(50);
		String user = users.get(0);
		int master = cluster.masterOf(ClusterRedis.slotOf(RedisKeys.cutoff(DemoTenant.CONTOSO, user).key()));
		int replica = cluster.replicaOf(master);
		assertThat(replica).isPositive();

		Resp.call(replica, "CLIENT", "PAUSE", "3000", "WRITE");
		try {
			assertThatThrownBy(() -> this.writer.apply(List.of(revocation(user, T0.plusSeconds(1)))))
				.isInstanceOf(NotReplicatedException.class)
				.hasMessageContaining("WAIT 1 300 returned 0");
			assertThat(this.meters.counter("revocation.redis.unreplicated").count()).isEqualTo(1.0);
		}
		finally {
			Resp.call(replica, "CLIENT", "UNPAUSE");
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.writer.apply(List.of(revocation(user, T0.plusSeconds(1)))).viewComplete())
				.isTrue());
	}

	@Test
	void applyWhenAMasterIsKilledMidStreamThenNoAcknowledgedCutoffIsLost() {
		List<String> users = users(400);
		int victim = cluster.masterOf(0);
		int replica = cluster.replicaOf(victim);
		Map<String, Instant> acknowledged = new HashMap<>();
		int failedBatches = 0;
		long killedAt = 0;
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		int round = 0;
		// rounds of batches over every shard; the master of slot 0 is SIGKILLed at round 5; go on until 10 rounds after
		// its replica's promotion were acknowledged
		int roundsAfterPromotion = 0;
		long promotedAt = 0;
		long firstAppliedAfterKill = 0;
		while (roundsAfterPromotion < 10 && System.nanoTime() < deadline) {
			round++;
			if (round == 5) {
				cluster.kill(victim);
				killedAt = System.nanoTime();
			}
			if (killedAt > 0 && promotedAt == 0 && cluster.isMaster(replica)) {
				// the promoted replica has no replica of its own, so nothing it writes counts as applied (WAIT 1 gives
				// 0) until the old master is back as its replica
				promotedAt = System.nanoTime();
				cluster.restart(victim);
			}
			Instant cutoff = T0.plusSeconds(round);
			List<RevocationEvent> batch = users.stream().map((u) -> revocation(u, cutoff)).toList();
			try {
				this.writer.apply(batch);
				batch.forEach((e) -> acknowledged.put(e.userId(), cutoff));
				if (killedAt > 0) {
					roundsAfterPromotion++;
					if (firstAppliedAfterKill == 0) {
						firstAppliedAfterKill = System.nanoTime();
					}
				}
			}
			catch (RuntimeException ex) {
				if (failedBatches % 20 == 0) {
					System.out.println("batch not applied: " + ex);
				}
				failedBatches++; // not applied: the worker would retry it without committing
				redis.renewSlotCache();
			}
		}
		assertThat(killedAt).isPositive();
		assertThat(roundsAfterPromotion).isEqualTo(10);
		cluster.awaitMaster(replica, Duration.ofSeconds(30));
		int lost = 0;
		for (Map.Entry<String, Instant> entry : acknowledged.entrySet()) {
			Instant held = this.reader.validFrom(DemoTenant.CONTOSO, entry.getKey()).orElse(Instant.EPOCH);
			if (held.isBefore(entry.getValue())) {
				lost++;
			}
		}
		System.out.printf("master %d SIGKILLed at round 5; replica %d promoted after %d ms; first batch applied after "
				+ "%d ms; rounds %d, batches not applied %d, acknowledged users %d, lost %d%n", victim, replica,
				(promotedAt - killedAt) / 1_000_000, (firstAppliedAfterKill - killedAt) / 1_000_000, round, failedBatches,
				acknowledged.size(), lost);
		assertThat(lost).isZero();
		assertThat(failedBatches).isPositive();
		cluster.awaitHealthy(Duration.ofSeconds(60));
	}

	private static Set<Integer> shardsOf(List<String> users) {
		Set<Integer> shards = new java.util.HashSet<>();
		for (String user : users) {
			shards.add(cluster.masterOf(ClusterRedis.slotOf(RedisKeys.cutoff(DemoTenant.CONTOSO, user).key())));
		}
		return shards;
	}

	private static List<String> users(int count) {
		List<String> users = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			users.add(UUID.randomUUID().toString());
		}
		return users;
	}

	private static RevocationEvent revocation(String userId, Instant validFrom) {
		return RevocationEvent.accepted(DemoTenant.CONTOSO, userId, validFrom,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
	}
}
