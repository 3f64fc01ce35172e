package org.revocation.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import redis.clients.jedis.RedisClient;

import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two worker instances in one consumer group (two application contexts) share the topic's partitions; when one of them
 * goes away the other takes over its partitions, from the offsets committed, and nothing is lost.
 */
@EmbeddedKafka(partitions = 1) // the workers create their topics (4 partitions here)
class TwoWorkersIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumeWhenTwoInstancesThenPartitionsSharedAndTheSurvivorTakesOver(EmbeddedKafkaBroker broker)
			throws Exception {
		Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		try (ConfigurableApplicationContext first = worker(broker);
				ConfigurableApplicationContext second = worker(broker);
				TestRevocationStream stream = new TestRevocationStream(broker.getBrokersAsString(), "revocation-events",
						40, base);
				RedisClient redis = redisServer.client()) {
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				assertThat(assigned(first)).isNotEmpty();
				assertThat(assigned(second)).isNotEmpty();
				Set<TopicPartition> all = new HashSet<>(assigned(first));
				all.addAll(assigned(second));
				assertThat(all).hasSize(4);
			});
			stream.send(400);
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
				.untilAsserted(() -> assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty());

			first.close(); // one instance goes away: the survivor gets every partition
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(assigned(second)).hasSize(4));
			stream.send(400);
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
				.untilAsserted(() -> assertThat(stream.usersNotAtTheirMaximum(redis)).isEmpty());
		}
	}

	private static Collection<TopicPartition> assigned(ConfigurableApplicationContext worker) {
		Collection<TopicPartition> partitions = worker.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer("revocations")
			.getAssignedPartitions();
		return (partitions != null) ? partitions : Set.of();
	}

	private static ConfigurableApplicationContext worker(EmbeddedKafkaBroker broker) {
		return new SpringApplicationBuilder(WorkerApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
				"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + redisServer.port(),
				"--worker.partitions=4", "--worker.marker-check-interval=200ms",
				"--revocation.max-session-lifetime=1d", "--spring.kafka.consumer.max-poll-records=50",
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.jmx.enabled=false");
	}
}
