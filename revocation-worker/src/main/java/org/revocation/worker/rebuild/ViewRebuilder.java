package org.revocation.worker.rebuild;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.worker.apply.CutoffWriter;
import org.revocation.worker.apply.ValidFromLog;

/**
 * Keeps the view complete: whenever completeness markers are missing (first start, Redis restarted empty, flushed,
 * a cluster shard that came back empty), replays the compacted valid-from topic, then the revocation topic from the
 * start of its retention, into Redis — only the events of the groups whose marker is missing — then sets those
 * groups' markers. Checkers fail closed meanwhile, only for the users of those groups. The listener keeps applying new events during a rebuild; the max-merge
 * makes the order irrelevant.
 */
@Component
class ViewRebuilder {

	private static final Logger log = LoggerFactory.getLogger(ViewRebuilder.class);

	private static final int BATCH = 2_000;

	private static final String SET_MARKER_IF_SENTINEL = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
			+ "redis.call('SET', KEYS[2], ARGV[2]); redis.call('DEL', KEYS[1]); return 1 end return 0";

	private final UnifiedJedis redis;

	private final ConsumerFactory<String, byte[]> consumers;

	private final CutoffWriter writer;

	private final String topic;

	private final String validFromTopic;

	private final ValidFromLog validFromLog;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile boolean redisDown;

	private final Counter rebuilds;

	private final Timer duration;

	ViewRebuilder(UnifiedJedis redis, ConsumerFactory<String, byte[]> consumers, CutoffWriter writer,
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
		Set<Integer> missing;
		try {
			missing = ViewMarkers.missing(this.redis);
			if (this.redisDown) {
				log.info("Redis reachable again; {} of {} completeness markers missing", missing.size(), RedisKeys.GROUPS);
				this.redisDown = false;
			}
			if (missing.isEmpty()) {
				return;
			}
		}
		catch (JedisException ex) {
			if (!this.redisDown) { // once per outage, not at every check
				log.warn("cannot check the completeness markers, Redis unreachable: {}", ex.getMessage());
				this.redisDown = true;
			}
			return;
		}
		rebuild(missing);
	}

	/** Replays the logs into Redis for every group, then sets the markers. */
	void rebuild() {
		rebuild(new TreeSet<>(ViewMarkers.allGroups()));
	}

	/**
	 * Replays the logs into Redis for the given groups only (the part of the view that lost its data: on a cluster, the
	 * groups of the shard that came back empty), then sets their markers.
	 */
	void rebuild(Set<Integer> groups) {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		long started = System.nanoTime();
		try {
			log.info("completeness markers missing for {} of {} groups: rebuilding them from topic {}", groups.size(),
					RedisKeys.GROUPS, this.topic);
			// a sentinel per group written before the replay, in the group's slot: if the group's data is lost during
			// the replay, its sentinel is gone too and its marker is not set, so the next check replays it again
			String token = UUID.randomUUID().toString();
			try (AbstractPipeline pipeline = this.redis.pipelined()) {
				for (int group : groups) {
					pipeline.set(RedisKeys.rebuildSentinel(group), token);
				}
				pipeline.sync();
			}
			// first each user's latest cutoff for ever (compacted), then every event still in retention
			Map<String, RevocationEvent> kept = new HashMap<>();
			long events = replay(this.validFromTopic, kept, groups);
			Map<String, RevocationEvent> recent = new HashMap<>();
			events += replay(this.topic, recent, groups);
			String now = Long.toString(System.currentTimeMillis());
			List<Integer> lost = new ArrayList<>();
			for (int group : groups) {
				Object marked = this.redis.eval(SET_MARKER_IF_SENTINEL,
						List.of(RedisKeys.rebuildSentinel(group), RedisKeys.marker(group)), List.of(token, now));
				if (!Long.valueOf(1L).equals(marked)) {
					lost.add(group);
				}
			}
			if (!lost.isEmpty()) {
				log.warn("Redis lost the data of {} groups during the rebuild ({} events replayed): rebuilding them again",
						lost.size(), events);
			}
			// maxima the listener could not publish while the groups were incomplete
			List<RevocationEvent> newer = recent.values().stream()
				.filter((e) -> !kept.containsKey(e.key()) || kept.get(e.key()).validFrom().isBefore(e.validFrom()))
				.toList();
			this.validFromLog.publish(newer);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			this.rebuilds.increment();
			this.duration.record(took);
			log.info("rebuild complete: {} groups, {} events in {} ms ({} events/s); markers set", groups.size() - lost.size(),
					events, took.toMillis(), (took.toMillis() > 0) ? events * 1000 / took.toMillis() : events);
		}
		catch (Exception ex) {
			log.warn("rebuild failed, will retry: {}", ex.toString());
		}
		finally {
			this.running.set(false);
		}
	}

	/** Applies every event of {@code topic} to Redis; collects each user's latest event into {@code latest}. */
	private long replay(String topic, Map<String, RevocationEvent> latest, Set<Integer> groups) {
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
						if (!groups.contains(RedisKeys.group(event.tenantId(), event.userId()))) {
							continue; // its group is complete: nothing to restore
						}
						events.add(event);
						latest.merge(event.key(), event, (a, b) -> a.validFrom().isBefore(b.validFrom()) ? b : a);
					}
					catch (InvalidRevocationEventException ex) {
						// the listener dead-letters it; a rebuild only skips it
					}
				}
				this.writer.apply(events); // on a cluster: returns only once a replica has the writes
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
