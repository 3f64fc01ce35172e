package org.revocation.worker;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import redis.clients.jedis.DefaultJedisClientConfig;

import org.revocation.core.redis.ClusterRedis;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.localstack.LocalRedisCluster;
import org.revocation.localstack.Resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker on Redis Cluster (3 masters + 3 replicas): one shard comes back empty (its master flushed, and so its
 * replica), the worker sees only that shard's groups incomplete and rebuilds only them from the log.
 */
@EmbeddedKafka(partitions = 1) // the worker creates its topics (12 partitions)
class ClusterRebuildIntegrationTests {

	private static LocalRedisCluster cluster;

	private static ClusterRedis redis;

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = LocalRedisCluster.start(Files.createTempDirectory("redis-cluster"));
		redis = ClusterRedis.create(ClusterRedis.parseNodes(cluster.seeds()),
				DefaultJedisClientConfig.builder().connectionTimeoutMillis(500).socketTimeoutMillis(2000).build(), 5,
				Duration.ofSeconds(4));
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

	@Test
	void rebuildWhenOneShardCameBackEmptyThenOnlyItsGroupsAreReplayed(EmbeddedKafkaBroker broker) throws Exception {
		int events = 4_000;
		int users = 1_000;
		try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
				"--revocation.redis.cluster-nodes=" + cluster.seeds(), "--revocation.max-session-lifetime=1d",
				"--worker.marker-check-interval=200ms", "--spring.jmx.enabled=false");
				TestRevocationStream stream = new TestRevocationStream(broker.getBrokersAsString(), "revocation-events",
						users, Instant.now().truncatedTo(ChronoUnit.MILLIS))) {
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ViewMarkers.complete(redis));
			stream.send(events);
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
				.untilAsserted(() -> assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty());
			Counter applied = worker.getBean(MeterRegistry.class).get("revocation.events.applied").counter();
			Counter rebuilds = worker.getBean(MeterRegistry.class).get("revocation.rebuilds").counter();
			double appliedBefore = applied.count();
			double rebuildsBefore = rebuilds.count();

			int lostMaster = cluster.masterOf(0);
			Resp.call(lostMaster, "FLUSHALL");
			Set<Integer> missing = ViewMarkers.missing(redis);
			assertThat(missing).isNotEmpty().hasSizeLessThan(RedisKeys.GROUPS / 2);

			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
				.until(() -> rebuilds.count() > rebuildsBefore && ViewMarkers.complete(redis));
			assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty();
			double replayed = applied.count() - appliedBefore;
			System.out.printf("cluster rebuild: %d of %d groups lost with master %d; %.0f events replayed of %d in the "
					+ "logs (%d events + %d valid-from records)%n", missing.size(), RedisKeys.GROUPS, lostMaster, replayed,
					events + users, events, users);
			// only the lost groups' events were written again (about a third of the log), not the whole log
			assertThat(replayed).isPositive().isLessThan((events + users) * 0.6);
		}
	}
}
