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
 * Issue 6's crash tests: workers run as their own JVM processes against a real broker and a real Redis and are killed
 * with SIGKILL in the middle of consuming. Afterwards every user's cutoff in Redis is the maximum sent for them, and
 * the group committed every record: zero lost.
 */
@EmbeddedKafka(partitions = 1) // the worker creates its topics (12 partitions)
class WorkerCrashIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(WorkerCrashIntegrationTests.class);

	private static final String TOPIC = "revocation-events";

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumeWhenWorkerKilledTwiceMidStreamThenEveryCutoffIsTheMaximum(EmbeddedKafkaBroker broker) throws Exception {
		String bootstrap = broker.getBrokersAsString();
		Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
				WorkerProcesses workers = new WorkerProcesses(bootstrap, redisServer.port());
				TestRevocationStream stream = new TestRevocationStream(bootstrap, TOPIC, 1_000, base);
				RedisClient redis = redisServer.client()) {
			Process worker = workers.start("crash-test-worker-1");
			stream.send(3_000);
			long committed = WorkerProcesses.awaitProgress(admin, TOPIC, WorkerProcesses.committedTotal(admin, TOPIC));
			WorkerProcesses.kill(worker);
			assertThat(committed).as("killed in the middle of the stream").isLessThan(stream.sent());
			log.info("crash test: first SIGKILL after {} records committed of {} sent", committed, stream.sent());

			stream.send(3_000);
			worker = workers.start("crash-test-worker-2");
			committed = WorkerProcesses.awaitProgress(admin, TOPIC, committed);
			WorkerProcesses.kill(worker);
			assertThat(committed).as("killed in the middle of the stream").isLessThan(stream.sent());
			log.info("crash test: second SIGKILL after {} records committed of {} sent", committed, stream.sent());

			stream.send(4_000);
			workers.start("crash-test-worker-3");
			WorkerProcesses.awaitEverythingCommitted(admin, TOPIC);
			List<String> lost = stream.usersNotAtTheirMaximum(redis);
			log.info("crash test: sent {}, committed {}, users not at their maximum {}", stream.sent(),
					WorkerProcesses.committedTotal(admin, TOPIC), lost.size());
			assertThat(stream.sent()).isEqualTo(10_000);
			assertThat(WorkerProcesses.endTotal(admin, TOPIC)).isEqualTo(10_000);
			assertThat(lost).isEmpty();
		}
	}
}
