package org.revocation.gateway.revoke;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.AppliedOffsets;

/**
 * Reads the worker's announcements of applied offsets ({@link AppliedOffsets}) from the end of their topic, with a
 * consumer of its own (no group, nothing committed: every gateway reads every announcement), and hands them to the
 * {@link InForceWaiter}. One platform thread for the whole gateway, whatever the number of waiting revocations.
 */
@Component
class AppliedOffsetsConsumer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AppliedOffsetsConsumer.class);

	private final InForceWaiter waiter;

	private final Map<String, Object> config;

	private final TopicPartition partition;

	private volatile Consumer<String, byte[]> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	AppliedOffsetsConsumer(InForceWaiter waiter, RevocationProperties revocation,
			@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
		this.waiter = waiter;
		this.partition = new TopicPartition(AppliedOffsets.topicOf(revocation.topic()), 0);
		this.config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
				ConsumerConfig.CLIENT_ID_CONFIG, "gateway-applied-offsets", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
				ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
	}

	@Override
	public void start() {
		this.consumer = new KafkaConsumer<>(this.config, new StringDeserializer(), new ByteArrayDeserializer());
		this.running = true;
		this.thread = new Thread(this::run, "applied-offsets");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		Consumer<String, byte[]> consumer = this.consumer;
		try (consumer) {
			consumer.assign(List.of(this.partition));
			while (this.running) {
				try {
					for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
						this.waiter.applied(AppliedOffsets.decodePartition(record.key()),
								AppliedOffsets.decodeOffset(record.value()));
					}
				}
				catch (WakeupException ex) {
					// stopping
				}
				catch (RuntimeException ex) {
					// the safety-net poll keeps completing revocations meanwhile
					log.warn("reading the applied offsets failed, retrying: {}", ex.toString());
				}
			}
		}
		catch (RuntimeException ex) {
			log.debug("applied-offsets consumer closed: {}", ex.toString());
		}
	}

	@Override
	public void stop() {
		this.running = false;
		Consumer<String, byte[]> consumer = this.consumer;
		if (consumer != null) {
			consumer.wakeup();
		}
		Thread thread = this.thread;
		if (thread != null) {
			try {
				thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}
}
