package org.revocation.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An existing revocation topic that keeps events for less than the longest session lifetime: the worker refuses to
 * start, with a message that says why and what to change, before consuming anything.
 */
@EmbeddedKafka(partitions = 1)
class RetentionTooShortIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void startWhenTopicRetentionShorterThanSessionLifetimeThenRefusesBeforeConsuming(EmbeddedKafkaBroker broker)
			throws Exception {
		try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.getBrokersAsString()))) {
			admin.createTopics(List.of(new NewTopic("short-lived", 2, (short) 1)
				.configs(Map.of("retention.ms", Long.toString(Duration.ofHours(1).toMillis())))))
				.all().get(30, TimeUnit.SECONDS);

			assertThatThrownBy(() -> new SpringApplicationBuilder(WorkerApplication.class).run(
					"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
					"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + redisServer.port(),
					"--revocation.topic=short-lived", "--revocation.max-session-lifetime=1d",
					"--spring.jmx.enabled=false"))
				.rootCause()
				.hasMessageContaining("topic short-lived keeps events for PT1H, shorter than the longest session "
						+ "lifetime plus the clock-skew allowance (PT24H1S)")
				.hasMessageContaining("Raise the topic's retention.ms or lower MAX_SESSION_LIFETIME");

			// refused before any listener consumed: the group never committed an offset
			assertThat(admin.listConsumerGroupOffsets("revocation-worker").partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS)).isEmpty();
		}
	}
}
