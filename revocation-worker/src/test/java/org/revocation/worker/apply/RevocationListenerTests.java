package org.revocation.worker.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import redis.clients.jedis.RedisClient;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.Actor;
import org.revocation.core.event.AppliedOffsets;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.MutableClock;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener against a real Redis, with Kafka's mock producer (acks when the test says) and mock consumer (records
 * the commits): batch N+1 is written while batch N's valid-from records are still unacknowledged, and batch N is
 * committed only after them.
 */
class RevocationListenerTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final String TOPIC = "revocation-events";

	private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

	private static final Instant T0 = Instant.parse("2026-12-07T06:00:00.000Z");

	private static final RevocationProperties PROPERTIES = new RevocationProperties(Duration.ofSeconds(1),
			Duration.ofDays(90), TOPIC, "", "https://localhost:8443",
			new RevocationProperties.Redis("localhost", 6380, Duration.ofSeconds(2), "", Duration.ofMillis(500)));

	private final RedisClient redis = redisServer.client();

	private final MutableClock clock = new MutableClock(T0);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ControlledProducer producer = new ControlledProducer();

	private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

	private final OffsetCommitter committer;

	private final RevocationListener listener;

	RevocationListenerTests() {
		KafkaTemplate<String, byte[]> kafka = new KafkaTemplate<>(() -> this.producer);
		ValidFromLog validFromLog = new ValidFromLog(kafka, PROPERTIES);
		this.committer = new OffsetCommitter(validFromLog, this.clock, this.meters);
		this.listener = new RevocationListener(new CutoffWriter(this.redis, this.clock, this.meters,
				Duration.ofMillis(500)), new DeadLetters(kafka, PROPERTIES, this.meters), validFromLog,
				new ConsumerLag(this.meters), new AppliedAnnouncer(kafka, this.redis, PROPERTIES, this.meters),
				this.committer);
	}

	@BeforeEach
	void completeView() {
		this.redis.flushAll();
		ViewMarkers.markComplete(this.redis);
		this.consumer.assign(List.of(P0));
		this.consumer.updateBeginningOffsets(Map.of(P0, 0L));
		this.consumer.updateEndOffsets(Map.of(P0, 2L));
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void onBatchWhenTheBatchBeforeIsNotAckedThenWritesFirstAndCommitsTheBatchBeforeOnlyAfterItsAcks() throws Exception {
		this.listener.onBatch(List.of(record(0, DemoTenant.BOB)), this.consumer);
		assertThat(cutoff(DemoTenant.BOB)).isEqualTo(Long.toString(T0.toEpochMilli()));
		assertThat(validFromSent()).containsExactly(key(DemoTenant.BOB));
		assertThat(committed()).isEmpty();

		// batch 1's acks arrive only once batch 2's cutoff is in Redis: the listener writes batch 2 before waiting
		CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committedWhenWritten = CompletableFuture
			.supplyAsync(() -> {
				await().atMost(Duration.ofSeconds(30)).until(() -> cutoff(DemoTenant.CAROL) != null);
				Map<TopicPartition, OffsetAndMetadata> committed = committed();
				this.producer.ackAll();
				return committed;
			});
		this.listener.onBatch(List.of(record(1, DemoTenant.CAROL)), this.consumer);

		assertThat(committedWhenWritten.join()).as("committed while batch 2 was written").isEmpty();
		// batch 1 committed; batch 2's valid-from sent after batch 1's, its offset not committed
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, new OffsetAndMetadata(1)));
		assertThat(validFromSent()).containsExactly(key(DemoTenant.BOB), key(DemoTenant.CAROL));

		// the topic goes quiet: batch 2's acks arrive, the idle event commits it
		this.producer.ackAll();
		this.committer.onIdle(new ListenerContainerIdleEvent(this, this, 1_000, RevocationListener.ID + "-0",
				List.of(P0), this.consumer, false));
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, new OffsetAndMetadata(2)));
	}

	@Test
	void onBatchWhenAnnouncingThenDoesNotWaitForTheValidFromAcks() throws Exception {
		this.listener.onBatch(List.of(record(0, DemoTenant.BOB)), this.consumer);

		// the gateways learn the offset is applied (Redis hash and -applied topic) with no valid-from ack given yet
		assertThat(this.redis.hget(AppliedOffsets.redisKeyOf(TOPIC), "0")).isEqualTo("0");
		assertThat(this.producer.history()).extracting((record) -> record.topic())
			.contains(AppliedOffsets.topicOf(TOPIC));
		assertThat(committed()).isEmpty();
	}

	private ConsumerRecord<String, byte[]> record(long offset, DemoTenant.User user) {
		RevocationEvent event = RevocationEvent.accepted(user.tenantId(), user.id(), T0,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
		return new ConsumerRecord<>(TOPIC, 0, offset, event.key(), RevocationEventCodec.encode(event));
	}

	private static String key(DemoTenant.User user) {
		return user.tenantId() + "/" + user.id();
	}

	private String cutoff(DemoTenant.User user) {
		return TestRedis.rawCutoff(this.redis, user.tenantId(), user.id());
	}

	private List<String> validFromSent() {
		return this.producer.history().stream()
			.filter((record) -> record.topic().equals(ValidFromLog.topicOf(PROPERTIES)))
			.map((record) -> record.key())
			.toList();
	}

	private Map<TopicPartition, OffsetAndMetadata> committed() {
		Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(this.consumer.committed(Set.of(P0)));
		committed.values().removeIf((offset) -> offset == null);
		return committed;
	}
}
