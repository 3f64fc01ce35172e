package org.revocation.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The property outlives the events (DESIGN.md section 3.4, issue 10): with a short session lifetime the revocation
 * event leaves the log, Redis loses everything, and after the rebuild (from the compacted valid-from topic) the user's
 * {@code signInSessionsValidFromDateTime} still holds the cutoff.
 */
@SpringBootTest(properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "worker.partitions=1",
		"worker.marker-check-interval=200ms", "revocation.max-session-lifetime=2s",
		"revocation.clock-skew-allowance=500ms" })
@DirtiesContext // its broker and Redis stop with the class: do not keep the context (and its listener) cached
@EmbeddedKafka(partitions = 1, topics = { "revocation-events", "revocation-events-dlt" })
class ValidFromOutlivesTheLogIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	@Autowired
	KafkaTemplate<String, byte[]> kafka;

	@Autowired
	RedisClient redis;

	@Autowired
	EmbeddedKafkaBroker broker;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void rebuildWhenEventsGoneThenPropertyStillHoldsTheCutoff() throws Exception {
		Instant cutoff = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		RevocationEvent event = RevocationEvent.accepted(DemoTenant.CONTOSO, DemoTenant.CAROL.id(),
				cutoff, Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
		this.kafka.send("revocation-events", event.key(), RevocationEventCodec.encode(event)).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Long.toString(cutoff.toEpochMilli())
			.equals(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.CAROL.id())));
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.broker.getBrokersAsString()))) {
			Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
			all.put(new TopicPartition("revocation-events", 0), RecordsToDelete.beforeOffset(-1));
			admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
		}
		redisServer.restart();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			assertThat(ViewMarkers.complete(this.redis)).isTrue();
			assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.CAROL.id()))
				.isEqualTo(Long.toString(cutoff.toEpochMilli()));
		});
	}
}
