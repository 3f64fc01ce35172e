package org.revocation.ssf.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import org.revocation.ssf.auth.SsfException;
import org.revocation.ssf.config.SsfProperties;

/**
 * The streams, kept in a log-compacted Kafka topic (key: stream id) and in memory. Kafka rather than Redis because
 * a stream's configuration is not a view that can be rebuilt from anything (Redis is the pipeline's rebuildable view,
 * and a Redis that restarts empty would lose every receiver's registration), while Kafka is already the system of
 * record and compaction keeps exactly the latest configuration of every stream. At start the whole topic is read
 * into memory; every change is written to the topic (acks=all, bounded wait) before it is applied and answered.
 * One transmitter instance owns the streams (see the README).
 */
@Component
public class StreamStore {

	private static final Logger log = LoggerFactory.getLogger(StreamStore.class);

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	private final Map<String, Stream> streams = new ConcurrentHashMap<>();

	private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();

	private final KafkaTemplate<String, String> template;

	private final String topic;

	public StreamStore(KafkaTemplate<String, String> template, ConsumerFactory<?, ?> consumers, KafkaAdmin admin,
			SsfProperties properties) {
		this.template = template;
		this.topic = properties.streamsTopic();
		// created here, not only as a NewTopic bean: the store reads it before the context finishes starting
		admin.createOrModifyTopics(topic(this.topic));
		load(consumers);
	}

	/** The streams topic: one partition (streams are few and change rarely), compacted, kept for ever. */
	static NewTopic topic(String name) {
		return TopicBuilder.name(name).partitions(1).compact().config("retention.ms", "-1").build();
	}

	/** Called with every change (null {@code now} = deleted), after it is durable. */
	public void addListener(StreamListener listener) {
		this.listeners.add(listener);
		this.streams.values().forEach((s) -> listener.changed(null, s));
	}

	public Optional<Stream> find(String tenantId, String streamId) {
		Stream stream = (streamId != null) ? this.streams.get(streamId) : null;
		return (stream != null && stream.tenantId().equals(tenantId)) ? Optional.of(stream) : Optional.empty();
	}

	public Stream get(String tenantId, String streamId) {
		if (streamId == null || streamId.isBlank()) {
			throw SsfException.badRequest("stream_id is required.");
		}
		return find(tenantId, streamId).orElseThrow(() -> SsfException.notFound("No stream " + streamId + "."));
	}

	public List<Stream> ofTenant(String tenantId) {
		return this.streams.values().stream().filter((s) -> s.tenantId().equals(tenantId)).toList();
	}

	public Collection<Stream> all() {
		return this.streams.values();
	}

	public synchronized void save(Stream stream) {
		write(stream.streamId(), StreamCodec.encode(stream));
		Stream previous = this.streams.put(stream.streamId(), stream);
		this.listeners.forEach((l) -> l.changed(previous, stream));
	}

	public synchronized void delete(Stream stream) {
		write(stream.streamId(), null);
		Stream previous = this.streams.remove(stream.streamId());
		this.listeners.forEach((l) -> l.changed(previous, null));
	}

	private void write(String key, String value) {
		try {
			this.template.send(this.topic, key, value).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw SsfException.unavailable("Interrupted while storing the stream.");
		}
		catch (ExecutionException | TimeoutException ex) {
			log.warn("cannot store stream {} on {}: {}", key, this.topic, ex.toString());
			throw SsfException.unavailable("The stream store (Kafka) is unavailable; try again.");
		}
	}

	private void load(ConsumerFactory<?, ?> consumers) {
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		overrides.put(ConsumerConfig.GROUP_ID_CONFIG, null);
		try (Consumer<String, String> consumer = createConsumer(consumers, overrides)) {
			List<TopicPartition> partitions = new ArrayList<>();
			consumer.partitionsFor(this.topic, Duration.ofSeconds(30))
				.forEach((p) -> partitions.add(new TopicPartition(p.topic(), p.partition())));
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (partitions.stream().anyMatch((p) -> consumer.position(p) < end.get(p))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("could not read " + this.topic + " to its end within 60 s");
				}
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					apply(record);
				}
			}
		}
		log.info("loaded {} SSF streams from {}", this.streams.size(), this.topic);
	}

	@SuppressWarnings("unchecked")
	private static Consumer<String, String> createConsumer(ConsumerFactory<?, ?> consumers,
			Map<String, Object> overrides) {
		Properties properties = new Properties();
		overrides.forEach((k, v) -> {
			if (v != null) {
				properties.put(k, v);
			}
		});
		return (Consumer<String, String>) consumers.createConsumer(null, "ssf-streams-loader", null, properties);
	}

	private void apply(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			this.streams.remove(record.key());
			return;
		}
		try {
			Stream stream = StreamCodec.decode(record.value());
			this.streams.put(stream.streamId(), stream);
		}
		catch (RuntimeException ex) {
			log.error("skipping unreadable stream record key={} offset={}: {}", record.key(), record.offset(),
					ex.getMessage());
		}
	}

	/** A change of a stream: {@code before} null when created, {@code now} null when deleted. */
	public interface StreamListener {

		void changed(Stream before, Stream now);
	}
}
