package org.revocation.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import redis.clients.jedis.RedisClient;

import org.revocation.core.testing.TestRedis;
import org.revocation.localstack.LocalKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's broker fault: a real broker process (local-stack's {@link LocalKafka}) is killed with SIGKILL in the
 * middle of a stream and started again on the same log directory; the worker, which kept running, resumes, and every
 * user's cutoff in Redis is the maximum accepted for them — nothing lost.
 */
class BrokerRestartIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(BrokerRestartIntegrationTests.class);

	private static final String TOPIC = "revocation-events";

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumeWhenBrokerKilledAndRestartedMidStreamThenNothingLost() throws Exception {
		Path dir = Files.createTempDirectory("broker-restart-");
		LocalKafka kafka = new LocalKafka(Path.of("..", "local-stack", "target", "kafka-lib").toAbsolutePath(), dir,
				TestRedis.freePort(), TestRedis.freePort());
		Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		try {
			kafka.start();
			try (ConfigurableApplicationContext worker = worker(kafka.bootstrapServers());
					Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()));
					TestRevocationStream stream = new TestRevocationStream(kafka.bootstrapServers(), TOPIC, 500, base);
					RedisClient redis = redisServer.client()) {
				// the worker just created the topic: wait until every partition has a leader before producing
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
					.until(() -> admin.describeTopics(java.util.List.of(TOPIC)).allTopicNames().get().get(TOPIC)
						.partitions().stream().allMatch((p) -> p.leader() != null && !p.leader().isEmpty()));
				stream.send(2_000);
				long committed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
					.ignoreExceptions()
					.until(() -> WorkerProcesses.committedTotal(admin, TOPIC), (total) -> total >= 100);
				kafka.kill(); // SIGKILL: no controlled shutdown, the worker's connections just break
				log.info("broker restart test: broker killed after {} of {} records committed", committed,
						stream.sent());
				kafka.start(); // same log directory and ports
				stream.send(2_000);
				WorkerProcesses.awaitEverythingCommitted(admin, TOPIC);
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
					.untilAsserted(() -> assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty());
				log.info("broker restart test: sent {}, applied and committed {}, lost {}", stream.sent(),
						WorkerProcesses.committedTotal(admin, TOPIC), stream.usersNotAtTheirMaximum(redis).size());
				assertThat(WorkerProcesses.endTotal(admin, TOPIC)).isEqualTo(4_000);
			}
		}
		finally {
			kafka.stop();
			FileSystemUtils.deleteRecursively(dir);
		}
	}

	private static ConfigurableApplicationContext worker(String bootstrapServers) {
		return new SpringApplicationBuilder(WorkerApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + bootstrapServers, "--server.port=0",
				"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + redisServer.port(),
				"--worker.partitions=4", "--worker.marker-check-interval=200ms", "--revocation.max-session-lifetime=1d",
				"--spring.kafka.consumer.max-poll-records=50", "--spring.jmx.enabled=false");
	}
}
