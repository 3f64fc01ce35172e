package org.revocation.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.Actor;
import org.revocation.core.event.AppliedOffsets;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.CutoffReader;
import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The worker against an embedded KRaft broker and a real Redis: max-merge, poison records to the dead-letter topic,
 * the view-complete marker and the rebuild after Redis lost its data, and Redis outages retried without loss.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "worker.partitions=2",
		"revocation.max-session-lifetime=1d", // the embedded broker created the topic with its default 7-day retention
		"worker.marker-check-interval=200ms" })
@DirtiesContext // its broker and Redis stop with the class: do not keep the context (and its listener) cached
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

	@LocalServerPort
	int port;

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
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id()))
			.isEqualTo(Long.toString(T0.plusMillis(500).toEpochMilli()));
		awaitMarker(); // another test may have restarted Redis: the rebuild sets the marker again
	}

	@Test
	void consumeWhenBatchAppliedThenHighestOffsetOfEachPartitionAnnounced() throws Exception {
		try (Consumer<String, byte[]> announcements = consumer(AppliedOffsets.topicOf("revocation-events"))) {
			RevocationEvent event = event(DemoTenant.MEGAN, T0.plusSeconds(3));
			var ack = this.kafka.send(new ProducerRecord<>("revocation-events", 1, event.key(),
					RevocationEventCodec.encode(event))).get(10, TimeUnit.SECONDS).getRecordMetadata();
			awaitCutoff(DemoTenant.MEGAN, T0.plusSeconds(3));
			// the Redis hash the gateways poll as a safety net
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Long.parseLong(this.redis
				.hget(AppliedOffsets.redisKeyOf("revocation-events"), "1"))).isGreaterThanOrEqualTo(ack.offset()));
			// the topic the gateways read: key the partition, value the highest applied offset
			java.util.List<Long> announced = new java.util.ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : announcements.poll(Duration.ofMillis(200))) {
					if ("1".equals(record.key())) {
						announced.add(AppliedOffsets.decodeOffset(record.value()));
					}
				}
				return announced.stream().anyMatch((offset) -> offset >= ack.offset());
			});
		}
	}

	@Test
	void consumeWhenPreviousSchemaVersionThenApplied() throws Exception {
		DemoTenant.User user = new DemoTenant.User(java.util.UUID.randomUUID().toString(), "v1@contoso.test", "-",
				DemoTenant.CONTOSO);
		String v1 = "{\"schemaVersion\":1,\"eventId\":\"v1-event\",\"tenantId\":\"" + DemoTenant.CONTOSO
				+ "\",\"userId\":\"" + user.id() + "\",\"validFrom\":" + T0.plusSeconds(11).toEpochMilli()
				+ ",\"actor\":{\"type\":\"application\",\"id\":\"" + DemoTenant.REVOCATION_DAEMON.clientId()
				+ "\"},\"requestId\":\"req-v1\",\"clientRequestId\":\"client-v1\"}";
		poison(DemoTenant.CONTOSO + "/" + user.id(), v1.getBytes(StandardCharsets.UTF_8));
		awaitCutoff(user, T0.plusSeconds(11));
	}

	@Test
	void consumeWhenPoisonRecordsThenDeadLetteredWithReasonAndLaterEventsApplied() throws Exception {
		try (Consumer<String, byte[]> dlt = consumer("revocation-events-dlt")) {
			String key = DemoTenant.CONTOSO + "/" + DemoTenant.HENRY.id();
			RevocationEvent valid = event(DemoTenant.HENRY, T0.plusSeconds(9));
			String wrongShape = new String(RevocationEventCodec.encode(valid), StandardCharsets.UTF_8)
				.replace("\"validFrom\":", "\"validFrom\":\"yesterday\",\"ignored\":");
			byte[] oneMegabyte = new byte[1_000_000];
			java.util.Arrays.fill(oneMegabyte, (byte) '{');
			poison(key, "not json".getBytes(StandardCharsets.UTF_8));
			poison(key, "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
			poison(key, wrongShape.getBytes(StandardCharsets.UTF_8));
			poison(key, oneMegabyte);
			poison(key, RevocationEventCodec.encode(valid));
			awaitCutoff(DemoTenant.HENRY, T0.plusSeconds(9));
			var records = KafkaTestUtils.getRecords(dlt, Duration.ofSeconds(30), 4);
			assertThat(records.count()).isEqualTo(4);
			java.util.List<String> reasons = new java.util.ArrayList<>();
			for (ConsumerRecord<String, byte[]> record : records) {
				reasons.add(header(record, "revocation-dlt-reason"));
				assertThat(header(record, "revocation-dlt-original-topic")).isEqualTo("revocation-events");
				assertThat(header(record, "revocation-dlt-original-partition")).isEqualTo("0");
				assertThat(header(record, "revocation-dlt-original-offset")).matches("[0-9]+");
				assertThat(record.partition()).isZero();
			}
			assertThat(reasons.get(0)).startsWith("not JSON: Unrecognized token 'not'");
			assertThat(reasons.subList(1, 4)).containsExactly("unsupported schemaVersion 99 (this worker reads [1, 2])",
					"validFrom missing or not a positive epoch-millisecond number",
					"record value of 1000000 bytes exceeds 16384 bytes");
		}
		assertThat(meter("revocation_events_dead_lettered_total")).isGreaterThanOrEqualTo(4);
	}

	@Test
	void rebuildWhenRedisRestartedEmptyMidStreamThenCheckersFailClosedUntilEveryCutoffIsBack() throws Exception {
		send(event(DemoTenant.MEGAN, T0.plusSeconds(3)));
		awaitCutoff(DemoTenant.MEGAN, T0.plusSeconds(3));
		try (TestRevocationStream stream = new TestRevocationStream(this.broker.getBrokersAsString(),
				"revocation-events", 300, T0.plus(Duration.ofDays(2)))) {
			stream.send(1_500);
			redisServer.restart(); // empty, in the middle of the stream: the marker and every cutoff are gone
			// what every token-checker reads: no marker, so no answer (503), never "not revoked"
			assertThatThrownBy(() -> new CutoffReader(this.redis).cutoff(DemoTenant.CONTOSO, DemoTenant.MEGAN.id()))
				.isInstanceOf(CutoffUnavailableException.class);
			stream.send(1_500);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
				.untilAsserted(() -> {
					assertThat(ViewMarkers.complete(this.redis)).isTrue();
					assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.MEGAN.id()))
						.isEqualTo(Long.toString(T0.plusSeconds(3).toEpochMilli()));
					assertThat(stream.usersNotAtTheirMaximum(this.redis)).isEmpty();
				});
			assertThat(new CutoffReader(this.redis).cutoff(DemoTenant.CONTOSO, DemoTenant.MEGAN.id()))
				.contains(T0.plusSeconds(3));
		}
	}

	@Test
	void rebuildWhenRedisFlushedThenCutoffsBackAndMarkerSet() throws Exception {
		send(event(DemoTenant.FRANK, T0.plusSeconds(5)));
		awaitCutoff(DemoTenant.FRANK, T0.plusSeconds(5));
		awaitMarker();
		this.redis.flushAll(); // an operator's FLUSHALL, or a failover to an empty replica
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
			assertThat(ViewMarkers.complete(this.redis)).isTrue();
			assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.FABRIKAM, DemoTenant.FRANK.id()))
				.isEqualTo(Long.toString(T0.plusSeconds(5).toEpochMilli()));
		});
		assertThat(meter("revocation_rebuilds_total")).isGreaterThanOrEqualTo(2); // at start, and after the flush
	}

	@Test
	void consumeWhenRedisDownThenRetriesWithoutCommittingAndAppliesAfterItReturns() throws Exception {
		send(event(DemoTenant.ADELE, T0.plusSeconds(1)));
		awaitCutoff(DemoTenant.ADELE, T0.plusSeconds(1));
		Map<TopicPartition, Long> before = awaitEverythingCommitted();
		redisServer.stop();
		java.util.List<DemoTenant.User> users = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) { // users of their own, so that no other test moves their cutoffs
			users.add(new DemoTenant.User(java.util.UUID.randomUUID().toString(), "outage" + i + "@contoso.test", "-",
					DemoTenant.CONTOSO));
		}
		for (int i = 0; i < 20; i++) {
			send(event(users.get(i % users.size()), T0.plusSeconds(100 + i)));
		}
		// Redis stays down for 30 s: the offsets committed stay where they were, nothing is skipped
		await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
			.until(() -> committedOffsets().equals(before));
		redisServer.restart(); // back, and empty: the retried batch and the rebuild both write every cutoff
		for (int i = 0; i < users.size(); i++) {
			awaitCutoff(users.get(i), T0.plusSeconds(100 + 15 + i));
		}
		Map<TopicPartition, Long> after = awaitEverythingCommitted();
		assertThat(after.values().stream().mapToLong(Long::longValue).sum())
			.isEqualTo(before.values().stream().mapToLong(Long::longValue).sum() + 20);
	}

	@Test
	void prometheusWhenScrapedThenWorkerMetricsAndConsumerLagExposed() throws Exception {
		send(event(DemoTenant.BOB, T0.plusMillis(1)));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/actuator/prometheus"))
			.contains("revocation_events_applied_total", "revocation_events_dead_lettered_total",
					"revocation_rebuilds_total", "revocation_rebuild_duration_seconds_count",
					"revocation_propagation_delay_seconds_bucket", "revocation_consumer_lag_records",
					"kafka_consumer_fetch_manager_records_lag_max{"));
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.untilAsserted(() -> assertThat(get("/actuator/health")).contains("\"status\":\"UP\""));
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
			assertThat(ViewMarkers.complete(this.redis)).isTrue();
			assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.FABRIKAM, DemoTenant.FIONA.id()))
				.isEqualTo(Long.toString(T0.plusSeconds(77).toEpochMilli()));
		});
	}

	/** Waits until the group committed every record of the topic; returns the committed offsets. */
	private Map<TopicPartition, Long> awaitEverythingCommitted() throws Exception {
		Map<TopicPartition, Long> end;
		try (Consumer<String, byte[]> probe = consumer(null)) {
			java.util.List<TopicPartition> partitions = java.util.List.of(new TopicPartition("revocation-events", 0),
					new TopicPartition("revocation-events", 1));
			end = probe.endOffsets(partitions, Duration.ofSeconds(10));
		}
		Map<TopicPartition, Long> expected = new java.util.HashMap<>(end);
		expected.values().removeIf((offset) -> offset == 0);
		await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsets().equals(expected));
		return expected;
	}

	private Map<TopicPartition, Long> committedOffsets() throws Exception {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.broker.getBrokersAsString()))) {
			Map<TopicPartition, Long> committed = new java.util.HashMap<>();
			admin.listConsumerGroupOffsets("revocation-worker").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
				.forEach((partition, offset) -> {
					if (offset != null && partition.topic().equals("revocation-events")) {
						committed.put(partition, offset.offset());
					}
				});
			return committed;
		}
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private double meter(String name) throws Exception {
		return get("/actuator/prometheus").lines()
			.filter((line) -> line.startsWith(name + " ") || line.startsWith(name + "{"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private void poison(String key, byte[] value) throws Exception {
		this.kafka.send(new ProducerRecord<>("revocation-events", 0, key, value)).get(10, TimeUnit.SECONDS);
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	private void awaitMarker() {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> ViewMarkers.complete(this.redis));
	}

	private void awaitCutoff(DemoTenant.User user, Instant cutoff) {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() -> assertThat(
				TestRedis.rawCutoff(this.redis, user.tenantId(), user.id()))
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
		if (topic != null) {
			consumer.subscribe(java.util.List.of(topic));
		}
		return consumer;
	}
}
