package org.revocation.ssf.delivery;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.ssf.config.SsfProperties;

/**
 * Reads the revocation topic in the transmitter's own consumer group ({@code ssf.consumer-group}), so it never
 * competes with or slows the worker's Redis writes, and hands every event to {@link Deliveries} the moment it is
 * read: no outbox table, no polling interval. Offsets are committed by {@link OffsetTracker} only as far as every
 * SET of the events before them is finished, so a transmitter that stops with SETs undelivered re-reads their
 * events on start (a new group starts at the earliest offset; events older than a stream are never sent to it).
 * Records that are not valid events are skipped here (the worker dead-letters them). Above {@code ssf.max-pending}
 * waiting SETs it stops reading until receivers catch up: the events wait in Kafka.
 */
@Component
class RevocationConsumer implements SmartLifecycle, Runnable {

	private static final Logger log = LoggerFactory.getLogger(RevocationConsumer.class);

	private final ConsumerFactory<?, ?> consumers;

	private final Deliveries deliveries;

	private final OffsetTracker offsets = new OffsetTracker();

	private final String topic;

	private final SsfProperties properties;

	private volatile boolean running;

	private volatile Consumer<String, byte[]> consumer;

	private Thread thread;

	RevocationConsumer(ConsumerFactory<?, ?> consumers, Deliveries deliveries, RevocationProperties revocation,
			SsfProperties properties) {
		this.consumers = consumers;
		this.deliveries = deliveries;
		this.topic = revocation.topic();
		this.properties = properties;
	}

	@Override
	public void start() {
		this.running = true;
		this.consumer = createConsumer();
		this.thread = new Thread(this, "ssf-revocation-consumer");
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Consumer<String, byte[]> c = this.consumer;
		if (c != null) {
			c.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(Duration.ofSeconds(10).toMillis());
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

	@Override
	public void run() {
		Consumer<String, byte[]> c = this.consumer;
		try {
			c.subscribe(List.of(this.topic), new ConsumerRebalanceListener() {
				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
					commitSync(c);
					RevocationConsumer.this.offsets.forget(partitions);
				}

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				}
			});
			while (this.running) {
				backPressure(c);
				ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
				if (!records.isEmpty() && log.isDebugEnabled()) {
					log.debug("read {} revocation events", records.count());
				}
				for (ConsumerRecord<String, byte[]> record : records) {
					TopicPartition partition = new TopicPartition(record.topic(), record.partition());
					RevocationEvent event;
					try {
						event = RevocationEventCodec.decode(record.value());
					}
					catch (InvalidRevocationEventException ex) {
						log.warn("skipping invalid record {}@{}: {}", partition, record.offset(), ex.getMessage());
						this.offsets.track(partition, record.offset(), 0);
						continue;
					}
					this.deliveries.dispatch(event, (sets) -> this.offsets.track(partition, record.offset(), sets));
				}
				commit(c);
			}
		}
		catch (WakeupException ex) {
			// stopping
		}
		catch (RuntimeException ex) {
			log.error("revocation consumer stopped", ex);
		}
		finally {
			try {
				commitSync(c);
			}
			finally {
				c.close(Duration.ofSeconds(5));
			}
		}
	}

	private void backPressure(Consumer<String, byte[]> c) {
		boolean full = this.deliveries.pending() > this.properties.maxPending();
		if (full && c.paused().isEmpty() && !c.assignment().isEmpty()) {
			log.warn("{} SETs waiting (ssf.max-pending {}): pausing the revocation topic", this.deliveries.pending(),
					this.properties.maxPending());
			c.pause(c.assignment());
		}
		else if (!full && !c.paused().isEmpty()) {
			c.resume(c.paused());
		}
	}

	private void commit(Consumer<String, byte[]> c) {
		Map<TopicPartition, OffsetAndMetadata> commits = this.offsets.committable();
		if (!commits.isEmpty()) {
			c.commitAsync(commits, (done, ex) -> {
				if (ex != null) {
					log.warn("offset commit failed (retried with the next one): {}", ex.toString());
				}
			});
		}
	}

	private void commitSync(Consumer<String, byte[]> c) {
		try {
			Map<TopicPartition, OffsetAndMetadata> commits = this.offsets.committable();
			if (!commits.isEmpty()) {
				c.commitSync(commits, Duration.ofSeconds(5));
			}
		}
		catch (RuntimeException ex) {
			log.warn("final offset commit failed: {}", ex.toString());
		}
	}

	@SuppressWarnings("unchecked")
	private Consumer<String, byte[]> createConsumer() {
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
		return (Consumer<String, byte[]>) this.consumers.createConsumer(this.properties.consumerGroup(), "ssf-", null,
				overrides);
	}
}
