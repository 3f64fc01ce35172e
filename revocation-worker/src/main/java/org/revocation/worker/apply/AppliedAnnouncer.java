package org.revocation.worker.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.AppliedOffsets;

/**
 * Announces, once per batch and only after the batch's cutoffs are in Redis, the highest applied offset of each
 * partition of the batch (issue 17, {@link AppliedOffsets}): one record per partition to the announcement topic, sent
 * without waiting for its ack, and the same watermarks max-merged into one Redis hash for the gateways' slow safety-net
 * poll. Both are best effort: a lost announcement only delays a gateway's 200 until its next poll.
 */
@Component
public class AppliedAnnouncer {

	private static final Logger log = LoggerFactory.getLogger(AppliedAnnouncer.class);

	private final KafkaTemplate<String, byte[]> kafka;

	private final UnifiedJedis redis;

	private final String topic;

	private final String redisKey;

	private final Counter failed;

	AppliedAnnouncer(KafkaTemplate<String, byte[]> kafka, UnifiedJedis redis, RevocationProperties properties,
			MeterRegistry meters) {
		this.kafka = kafka;
		this.redis = redis;
		this.topic = AppliedOffsets.topicOf(properties.topic());
		this.redisKey = AppliedOffsets.redisKeyOf(properties.topic());
		this.failed = Counter.builder("revocation.applied.announcements.failed")
			.description("announcements of applied offsets that Kafka or Redis did not take (the other still serves)")
			.register(meters);
	}

	/** The highest offset of each partition in the batch. */
	static Map<Integer, Long> watermarks(List<? extends ConsumerRecord<?, ?>> records) {
		Map<Integer, Long> highest = new TreeMap<>();
		for (ConsumerRecord<?, ?> record : records) {
			highest.merge(record.partition(), record.offset(), Math::max);
		}
		return highest;
	}

	/** Call only after every record of the batch was applied (or dead-lettered). */
	public void announce(List<? extends ConsumerRecord<?, ?>> records) {
		Map<Integer, Long> highest = watermarks(records);
		if (highest.isEmpty()) {
			return;
		}
		List<String> fieldsAndValues = new ArrayList<>(highest.size() * 2);
		highest.forEach((partition, offset) -> {
			fieldsAndValues.add(Integer.toString(partition));
			fieldsAndValues.add(Long.toString(offset));
			try {
				this.kafka.send(this.topic, Integer.toString(partition), AppliedOffsets.encodeOffset(offset))
					.whenComplete((sent, ex) -> {
						if (ex != null) {
							this.failed.increment();
							log.debug("announcement of partition {} offset {} not sent: {}", partition, offset,
									ex.toString());
						}
					});
			}
			catch (RuntimeException ex) {
				this.failed.increment();
				log.debug("announcement of partition {} offset {} not sent: {}", partition, offset, ex.toString());
			}
		});
		try {
			this.redis.eval(AppliedOffsets.MAX_MERGE_SCRIPT, List.of(this.redisKey), fieldsAndValues);
		}
		catch (JedisException ex) {
			this.failed.increment();
			log.debug("applied watermarks not written to Redis: {}", ex.toString());
		}
	}
}
