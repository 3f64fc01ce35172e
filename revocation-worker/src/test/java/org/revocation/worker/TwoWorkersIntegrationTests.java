package org.revocation.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import redis.clients.jedis.RedisClient;

import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two worker processes in one consumer group share the topic's partitions; one of them is killed with SIGKILL in the
 * middle of a stream (no leaving the group, no commit): after the session timeout the survivor takes its partitions
 * over from the committed offsets, and every user's cutoff is the maximum sent for them.
 */
@EmbeddedKafka(partitions = 1) // the workers create their topics (12 partitions)
class TwoWorkersIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(TwoWorkersIntegrationTests.class);

	private static final String TOPIC = "revocation-events";

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumeWhenOneOfTwoWorkerProcessesKilledThenTheSurvivorTakesOverAndNothingIsLost(EmbeddedKafkaBroker broker)
			throws Exception {
		String bootstrap = broker.getBrokersAsString();
		Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
				WorkerProcesses workers = new WorkerProcesses(bootstrap, redisServer.port());
				TestRevocationStream stream = new TestRevocationStream(bootstrap, TOPIC, 500, base);
				RedisClient redis = redisServer.client()) {
			Process first = workers.start("two-workers-first"); // creates the topics
			workers.start("two-workers-second");
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
				.until(() -> WorkerProcesses.members(admin) == 2);
			long before = WorkerProcesses.endTotal(admin, TOPIC);
			stream.send(2_000);
			long committed = WorkerProcesses.awaitProgress(admin, TOPIC, WorkerProcesses.committedTotal(admin, TOPIC));
			WorkerProcesses.kill(first);
			log.info("two workers: one SIGKILLed after {} records committed of {} in the topic", committed,
					WorkerProcesses.endTotal(admin, TOPIC));
			stream.send(2_000);
			WorkerProcesses.awaitEverythingCommitted(admin, TOPIC);
			await().atMost(Duration.ofSeconds(60)).until(() -> WorkerProcesses.members(admin) == 1);
			List<String> lost = stream.usersNotAtTheirMaximum(redis);
			log.info("two workers: sent {}, committed {}, users not at their maximum {}", stream.sent(),
					WorkerProcesses.committedTotal(admin, TOPIC) - before, lost.size());
			assertThat(WorkerProcesses.endTotal(admin, TOPIC) - before).isEqualTo(4_000);
			assertThat(lost).isEmpty();
		}
	}
}
