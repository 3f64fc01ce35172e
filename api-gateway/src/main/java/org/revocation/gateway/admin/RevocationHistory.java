package org.revocation.gateway.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;

/**
 * The recent revocations of each user, for the console's user page: a background consumer of the revocation topic
 * that joins no group and commits nothing (it assigns itself every partition and reads from the beginning), keeping
 * the last {@code gateway.console.history-per-user} events per user from the audit fields the events carry, in a
 * bounded cache. It is a view: a gateway that restarts reads the topic again. It starts with the console's first
 * sign-in, so a gateway whose console is never opened spends nothing on it.
 */
@Component
class RevocationHistory implements SmartLifecycle, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RevocationHistory.class);

	private final Cache<String, List<RevocationEvent>> byUser;

	private final ConsoleProperties properties;

	private final String topic;

	private final String bootstrapServers;

	private volatile KafkaConsumer<String, byte[]> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	private volatile boolean caughtUp;

	private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

	RevocationHistory(ConsoleProperties properties, RevocationProperties revocation,
			@Value("${spring.kafka.bootstrap-servers:localhost:9092}") String bootstrapServers) {
		this.properties = properties;
		this.topic = revocation.topic();
		this.bootstrapServers = bootstrapServers;
		this.byUser = Caffeine.newBuilder().maximumSize(properties.historyUsers()).build();
	}

	/** The user's recent revocations, newest first. */
	List<RevocationEvent> recent(String tenantId, String userId) {
		List<RevocationEvent> events = this.byUser.getIfPresent(RevocationEvent.key(tenantId, userId));
		if (events == null) {
			return List.of();
		}
		List<RevocationEvent> newestFirst = new ArrayList<>(events);
		newestFirst.sort((a, b) -> b.acceptedAt().compareTo(a.acceptedAt()));
		return newestFirst;
	}

	void record(RevocationEvent event) {
		this.byUser.asMap().compute(event.key(), (key, events) -> {
			List<RevocationEvent> next = new ArrayList<>((events != null) ? events : List.of());
			if (next.stream().anyMatch((e) -> e.eventId().equals(event.eventId()))) {
				return events; // a duplicate on the topic (the producer's retry)
			}
			next.add(event);
			next.sort((a, b) -> a.acceptedAt().compareTo(b.acceptedAt()));
			while (next.size() > this.properties.historyPerUser()) {
				next.remove(0);
			}
			return List.copyOf(next);
		});
	}

	/** Whether the events that were on the topic when reading began have all been read. */
	boolean caughtUp() {
		return this.caughtUp;
	}

	@Override
	public void start() {
		this.running = this.properties.enabled(); // reading begins with readFromNowOn()
	}

	/** Starts reading the topic, once. */
	void readFromNowOn() {
		if (!this.running || !this.started.compareAndSet(false, true)) {
			return;
		}
		Thread reader = new Thread(this::run, "console-history");
		reader.setDaemon(true);
		this.thread = reader;
		reader.start();
	}

	private void run() {
		Properties config = new Properties();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "api-gateway-console-history");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
			this.consumer = kafka;
			while (this.running && !assign(kafka)) {
				Thread.sleep(1000); // the topic is not there yet (the first worker creates it)
			}
			Map<TopicPartition, Long> ends = kafka.endOffsets(kafka.assignment(), Duration.ofSeconds(10));
			while (this.running) {
				if (!this.caughtUp) {
					this.caughtUp = ends.entrySet().stream()
						.allMatch((end) -> kafka.position(end.getKey(), Duration.ofSeconds(5)) >= end.getValue());
				}
				for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofSeconds(1))) {
					try {
						record(RevocationEventCodec.decode(record.value()));
					}
					catch (RuntimeException ex) {
						// not an event this code reads: the worker dead-letters it; the history skips it
					}
				}
			}
		}
		catch (WakeupException ex) {
			// stopping
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			log.warn("the console's revocation history stopped reading {}: {}", this.topic, ex.toString());
		}
	}

	private boolean assign(KafkaConsumer<String, byte[]> kafka) {
		try {
			List<PartitionInfo> partitions = kafka.partitionsFor(this.topic, Duration.ofSeconds(5));
			if (partitions == null || partitions.isEmpty()) {
				return false;
			}
			List<TopicPartition> assigned = partitions.stream()
				.map((p) -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			kafka.assign(assigned);
			kafka.seekToBeginning(assigned);
			log.info("the console's revocation history reads {} partitions of {} from the beginning", assigned.size(),
					this.topic);
			return true;
		}
		catch (org.apache.kafka.common.errors.TimeoutException ex) {
			return false; // no broker yet: try again
		}
	}

	@Override
	public void stop() {
		this.running = false;
		KafkaConsumer<String, byte[]> kafka = this.consumer;
		if (kafka != null) {
			kafka.wakeup();
		}
		Thread reader = this.thread;
		if (reader != null) {
			try {
				reader.join(Duration.ofSeconds(5).toMillis());
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
	public void destroy() {
		stop();
	}
}
