package org.revocation.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker against an embedded KRaft broker and a real Redis: max-merge, poison records to the dead-letter topic,
 * the view-complete marker and the rebuild after Redis lost its data, and Redis outages retried without loss.
 */
@SpringBootTest(properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "worker.partitions=2",
		"revocation.max-session-lifetime=1d", // the embedded broker created the topic with its default 7-day retention
		"worker.marker-check-interval=200ms" })
@EmbeddedKafka(partitions = 2, topics = { "revocation-events", "revocation-events-dlt" })
class WorkerIntegrationTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123Z");

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
	void consumeWhenDuplicatesAndOutOfOrderThenRedisKeepsTheMaximum() throws Exception {
		send(event(DemoTenant.BOB, T0.plusMillis(500)));
		send(event(DemoTenant.BOB, T0));
		send(event(DemoTenant.BOB, T0.plusMillis(500)));
		send(event(DemoTenant.CAROL, T0.plusMillis(7)));
		awaitCutoff(DemoTenant.BOB, T0.plusMillis(500));
		awaitCutoff(DemoTenant.CAROL, T0.plusMillis(7));
		assertThat(this.redis.get(RedisKeys.validFromKey(DemoTenant.CONTOSO, DemoTenant.BOB.id())))
			.isEqualTo(Long.toString(T0.plusMillis(500).toEpochMilli()));
		assertThat(this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER)).isTrue();
	}

	@Test
	void consumeWhenPoisonRecordsThenDeadLetteredWithReasonAndLaterEventsApplied() throws Exception {
		try (Consumer<String, byte[]> dlt = consumer("revocation-events-dlt")) {
			String key = DemoTenant.CONTOSO + "/" + DemoTenant.HENRY.id();
			this.kafka.send(new ProducerRecord<>("revocation-events", 0, key, "not json".getBytes(StandardCharsets.UTF_8)))
				.get(10, TimeUnit.SECONDS);
			this.kafka.send(new ProducerRecord<>("revocation-events", 0, key,
					"{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
			this.kafka.send(new ProducerRecord<>("revocation-events", 0, key,
					RevocationEventCodec.encode(event(DemoTenant.HENRY, T0.plusSeconds(9))))).get(10, TimeUnit.SECONDS);
			awaitCutoff(DemoTenant.HENRY, T0.plusSeconds(9));
			var records = KafkaTestUtils.getRecords(dlt, Duration.ofSeconds(20), 2);
			assertThat(records.count()).isEqualTo(2);
			java.util.List<String> reasons = new java.util.ArrayList<>();
			for (ConsumerRecord<String, byte[]> record : records) {
				reasons.add(new String(record.headers().lastHeader("revocation-dlt-reason").value(), StandardCharsets.UTF_8));
				assertThat(record.headers().lastHeader("revocation-dlt-original-offset")).isNotNull();
			}
			assertThat(reasons).anyMatch((r) -> r.startsWith("not JSON")).anyMatch((r) -> r.contains("unsupported schemaVersion 99"));
		}
	}

	@Test
	void rebuildWhenRedisRestartedEmptyThenCutoffsBackAndMarkerSet() throws Exception {
		send(event(DemoTenant.MEGAN, T0.plusSeconds(3)));
		awaitCutoff(DemoTenant.MEGAN, T0.plusSeconds(3));
		redisServer.restart(); // empty: the marker and every cutoff are gone
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER)).isTrue();
			assertThat(this.redis.get(RedisKeys.cutoffKey(DemoTenant.CONTOSO, DemoTenant.MEGAN.id())))
				.isEqualTo(Long.toString(T0.plusSeconds(3).toEpochMilli()));
		});
	}

	@Test
	void consumeWhenRedisDownThenRetriedAndAppliedAfterItReturns() throws Exception {
		awaitMarker();
		redisServer.stop();
		send(event(DemoTenant.ADELE, T0.plusSeconds(42)));
		redisServer.restart(); // comes back empty: the rebuild and the retried batch both restore the cutoff
		awaitCutoff(DemoTenant.ADELE, T0.plusSeconds(42));
	}

	@Test
	void rebuildWhenEventsLeftRetentionThenPropertyRestoredFromCompactedTopic() throws Exception {
		send(event(DemoTenant.FIONA, T0.plusSeconds(77)));
		awaitCutoff(DemoTenant.FIONA, T0.plusSeconds(77));
		// the compacted topic has Fiona's latest cutoff once the listener saw the view complete
		try (Consumer<String, byte[]> compacted = consumer("revocation-events-valid-from")) {
			assertThat(KafkaTestUtils.getRecords(compacted, Duration.ofSeconds(20), 1).count()).isPositive();
		}
		// time-based retention removes every revocation event ...
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.broker.getBrokersAsString()))) {
			Map<TopicPartition, RecordsToDelete> all = new java.util.HashMap<>();
			for (int partition = 0; partition < 2; partition++) {
				all.put(new TopicPartition("revocation-events", partition), RecordsToDelete.beforeOffset(-1));
			}
			admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
		}
		// ... and Redis loses everything: the rebuild restores the property from the compacted topic
		redisServer.restart();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER)).isTrue();
			assertThat(this.redis.get(RedisKeys.validFromKey(DemoTenant.FABRIKAM, DemoTenant.FIONA.id())))
				.isEqualTo(Long.toString(T0.plusSeconds(77).toEpochMilli()));
		});
	}

	private void awaitMarker() {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER));
	}

	private void awaitCutoff(DemoTenant.User user, Instant cutoff) {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() -> assertThat(
				this.redis.get(RedisKeys.cutoffKey(user.tenantId(), user.id())))
			.isEqualTo(Long.toString(cutoff.toEpochMilli())));
	}

	private void send(RevocationEvent event) throws Exception {
		this.kafka.send("revocation-events", event.key(), RevocationEventCodec.encode(event)).get(10, TimeUnit.SECONDS);
	}

	private static RevocationEvent event(DemoTenant.User user, Instant validFrom) {
		return RevocationEvent.accepted(user.tenantId(), user.id(), validFrom,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
	}

	private Consumer<String, byte[]> consumer(String topic) {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + System.nanoTime(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer()).createConsumer();
		consumer.subscribe(java.util.List.of(topic));
		return consumer;
	}
}
