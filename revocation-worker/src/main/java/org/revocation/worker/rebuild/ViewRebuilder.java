package org.revocation.worker.rebuild;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.worker.apply.CutoffWriter;
import org.revocation.worker.apply.ValidFromLog;

/**
 * Keeps the view complete: whenever the view-complete marker is missing (first start, Redis restarted empty, flushed,
 * failed over to an empty replica), replays the revocation topic from the start of its retention into Redis, then sets
 * the marker. Checkers fail closed meanwhile. The listener keeps applying new events during a rebuild; the max-merge
 * makes the order irrelevant.
 */
@Component
class ViewRebuilder {

	private static final Logger log = LoggerFactory.getLogger(ViewRebuilder.class);

	private static final int BATCH = 2_000;

	static final String REBUILD_SENTINEL = "rsv:rebuild-sentinel";

	private static final String SET_MARKER_IF_SENTINEL = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
			+ "redis.call('SET', KEYS[2], ARGV[2]); redis.call('DEL', KEYS[1]); return 1 end return 0";

	private final RedisClient redis;

	private final ConsumerFactory<String, byte[]> consumers;

	private final CutoffWriter writer;

	private final String topic;

	private final String validFromTopic;

	private final ValidFromLog validFromLog;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile boolean redisDown;

	private final Counter rebuilds;

	private final Timer duration;

	ViewRebuilder(RedisClient redis, ConsumerFactory<String, byte[]> consumers, CutoffWriter writer,
			ValidFromLog validFromLog, RevocationProperties properties, MeterRegistry meters) {
		this.validFromLog = validFromLog;
		this.validFromTopic = ValidFromLog.topicOf(properties);
		this.redis = redis;
		this.consumers = consumers;
		this.writer = writer;
		this.topic = properties.topic();
		this.rebuilds = Counter.builder("revocation.rebuilds").description("rebuilds of the Redis view").register(meters);
		this.duration = Timer.builder("revocation.rebuild.duration").description("duration of a rebuild").register(meters);
	}

	@Scheduled(fixedDelayString = "${worker.marker-check-interval:1s}", initialDelay = 0)
	void checkMarker() {
		try {
			boolean complete = this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER);
			if (this.redisDown) {
				log.info("Redis reachable again; view-complete marker {}", complete ? "present" : "missing");
				this.redisDown = false;
			}
			if (complete) {
				return;
			}
		}
		catch (JedisException ex) {
			if (!this.redisDown) { // once per outage, not at every check
				log.warn("cannot check the view-complete marker, Redis unreachable: {}", ex.getMessage());
				this.redisDown = true;
			}
			return;
		}
		rebuild();
	}

	/** Replays the logs into Redis, then sets the marker. */
	void rebuild() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		long started = System.nanoTime();
		try {
			log.info("view-complete marker missing: rebuilding Redis from topic {}", this.topic);
			// a sentinel written before the replay: if Redis loses its data during the replay, the sentinel is gone
			// too and the marker is not set, so the next check replays again
			String token = UUID.randomUUID().toString();
			this.redis.set(REBUILD_SENTINEL, token);
			// first each user's latest cutoff for ever (compacted), then every event still in retention
			Map<String, RevocationEvent> kept = new HashMap<>();
			long events = replay(this.validFromTopic, kept);
			Map<String, RevocationEvent> recent = new HashMap<>();
			events += replay(this.topic, recent);
			Object marked = this.redis.eval(SET_MARKER_IF_SENTINEL, List.of(REBUILD_SENTINEL, RedisKeys.VIEW_COMPLETE_MARKER),
					List.of(token, Long.toString(System.currentTimeMillis())));
			if (!Long.valueOf(1L).equals(marked)) {
				log.warn("Redis lost its data during the rebuild ({} events replayed): rebuilding again", events);
				return;
			}
			// maxima the listener could not publish while the view was incomplete
			List<RevocationEvent> newer = recent.values().stream()
				.filter((e) -> !kept.containsKey(e.key()) || kept.get(e.key()).validFrom().isBefore(e.validFrom()))
				.toList();
			this.validFromLog.publish(newer);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			this.rebuilds.increment();
			this.duration.record(took);
			log.info("rebuild complete: {} events in {} ms ({} events/s); marker set", events, took.toMillis(),
					(took.toMillis() > 0) ? events * 1000 / took.toMillis() : events);
		}
		catch (Exception ex) {
			log.warn("rebuild failed, will retry: {}", ex.toString());
		}
		finally {
			this.running.set(false);
		}
	}

	/** Applies every event of {@code topic} to Redis; collects each user's latest event into {@code latest}. */
	private long replay(String topic, Map<String, RevocationEvent> latest) {
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH);
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		try (Consumer<String, byte[]> consumer = this.consumers.createConsumer(null, "rebuild", null,
				toProperties(overrides))) {
			List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
			if (infos == null || infos.isEmpty()) {
				return 0;
			}
			List<TopicPartition> partitions = infos.stream().map((p) -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			long count = 0;
			while (!reached(consumer, end)) {
				ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
				List<RevocationEvent> events = new ArrayList<>(records.count());
				for (ConsumerRecord<String, byte[]> record : records) {
					try {
						RevocationEvent event = RevocationEventCodec.decode(record.value());
						events.add(event);
						latest.merge(event.key(), event, (a, b) -> a.validFrom().isBefore(b.validFrom()) ? b : a);
					}
					catch (InvalidRevocationEventException ex) {
						// the listener dead-letters it; a rebuild only skips it
					}
				}
				this.writer.apply(events);
				this.writer.recordApplied(events, false);
				count += events.size();
			}
			return count;
		}
	}

	private static boolean reached(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
		for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
			if (consumer.position(entry.getKey()) < entry.getValue()) {
				return false;
			}
		}
		return true;
	}

	private static java.util.Properties toProperties(Map<String, Object> map) {
		java.util.Properties properties = new java.util.Properties();
		properties.putAll(map);
		return properties;
	}
}
