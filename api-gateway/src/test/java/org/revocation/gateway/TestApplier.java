package org.revocation.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.AppliedOffsets;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.CutoffScript;

/**
 * What the worker does, reduced to the gateway tests' needs: a thread that reads every event of the topic and applies
 * its cutoff to Redis with the shared script, so that revocations come into force and are answered 200 at once.
 */
final class TestApplier implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final Thread thread;

	TestApplier(String bootstrapServers, RedisClient redis) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.GROUP_ID_CONFIG, "test-applier-" + System.nanoTime(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
		CutoffScript script = new CutoffScript();
		this.thread = new Thread(() -> {
			try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
					new ByteArrayDeserializer());
					Producer<String, byte[]> announcements = new KafkaProducer<>(producerConfig, new StringSerializer(),
							new ByteArraySerializer())) {
				consumer.subscribe(java.util.List.of("revocation-events"));
				while (this.running.get()) {
					for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
						RevocationEvent event = RevocationEventCodec.decode(record.value());
						script.apply(redis, event.tenantId(), event.userId(), event.validFrom());
						// announced as the worker announces (AppliedAnnouncer): the topic, and the hash for the safety net
						redis.eval(AppliedOffsets.MAX_MERGE_SCRIPT, List.of(AppliedOffsets.redisKeyOf("revocation-events")),
								List.of(Integer.toString(record.partition()), Long.toString(record.offset())));
						try {
							announcements.send(new ProducerRecord<>(AppliedOffsets.topicOf("revocation-events"),
									Integer.toString(record.partition()), AppliedOffsets.encodeOffset(record.offset())));
						}
						catch (RuntimeException ex) {
							// the topic may not exist in this test: the hash still serves
						}
					}
				}
			}
		}, "test-applier");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.thread.join(10_000);
	}
}
