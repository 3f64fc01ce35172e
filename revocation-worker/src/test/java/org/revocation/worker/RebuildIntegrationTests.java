package org.revocation.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import redis.clients.jedis.RedisClient;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rebuild of a larger log: Redis flushed while running, the worker replays the compacted valid-from topic and the
 * events topic in batches with pipelined writes, and every user's cutoff is back. The size is
 * {@code -Dworker.rebuild-test.events} (default 20,000); the measured rate is logged, not asserted.
 */
@EmbeddedKafka(partitions = 1) // the worker creates its topics (12 partitions)
class RebuildIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(RebuildIntegrationTests.class);

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void rebuildWhenRedisFlushedWithALargeLogThenEveryCutoffBack(EmbeddedKafkaBroker broker) throws Exception {
		int events = Integer.getInteger("worker.rebuild-test.events", 20_000);
		try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
				"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + redisServer.port(),
				"--revocation.max-session-lifetime=1d", "--worker.marker-check-interval=200ms",
				"--spring.jmx.enabled=false");
				TestRevocationStream stream = new TestRevocationStream(broker.getBrokersAsString(), "revocation-events",
						events / 4, Instant.now().truncatedTo(ChronoUnit.MILLIS));
				RedisClient redis = redisServer.client()) {
			await().atMost(Duration.ofSeconds(60)).until(() -> ViewMarkers.complete(redis));
			stream.send(events);
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
				.untilAsserted(() -> assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty());
			Timer rebuilds = worker.getBean(MeterRegistry.class).get("revocation.rebuild.duration").timer();
			long before = rebuilds.count();
			double msBefore = rebuilds.totalTime(TimeUnit.MILLISECONDS);

			redis.flushAll();
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
				.until(() -> rebuilds.count() > before && ViewMarkers.complete(redis));
			assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty();
			double took = rebuilds.totalTime(TimeUnit.MILLISECONDS) - msBefore;
			log.info("rebuild test: {} events of {} users replayed (after the valid-from topic) in {} ms: {} events/s",
					events, events / 4, Math.round(took), Math.round(events * 1000 / took));
		}
	}
}
