package org.revocation.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.UnifiedJedis;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.testing.DemoTenant;

/**
 * A stream of revocations for many users of one tenant, sent with an idempotent acks=all producer (as the gateway
 * sends them), remembering each user's maximum cutoff so a test can check that Redis holds exactly that.
 */
final class TestRevocationStream implements AutoCloseable {

	private final KafkaProducer<String, byte[]> producer;

	private final String topic;

	private final List<String> users = new ArrayList<>();

	private final Map<String, Instant> maxima = new HashMap<>();

	private final Random random = new Random(42);

	private final Instant base;

	private long sent;

	TestRevocationStream(String bootstrapServers, String topic, int users, Instant base) {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.LINGER_MS_CONFIG, 5);
		this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
		this.topic = topic;
		this.base = base;
		for (int i = 0; i < users; i++) {
			this.users.add(UUID.randomUUID().toString());
		}
	}

	/**
	 * Sends {@code count} revocations, round robin over the users, with cutoffs scattered (out of order, older after
	 * newer, duplicates) within an hour after the base, and waits for every ack.
	 */
	void send(int count) throws Exception {
		List<Future<RecordMetadata>> acks = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String user = this.users.get((int) (this.sent++ % this.users.size()));
			Instant cutoff = this.base.plusMillis(this.random.nextInt(3_600_000));
			RevocationEvent event = RevocationEvent.accepted(DemoTenant.CONTOSO, user, cutoff,
					Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req-" + this.sent, "client-req");
			acks.add(this.producer.send(new ProducerRecord<>(this.topic, event.key(), RevocationEventCodec.encode(event))));
			this.maxima.merge(user, cutoff, (a, b) -> a.isAfter(b) ? a : b);
		}
		for (Future<RecordMetadata> ack : acks) {
			ack.get(120, TimeUnit.SECONDS); // generous: a loaded CI machine, a broker that was just restarted
		}
	}

	long sent() {
		return this.sent;
	}

	/** Users whose cutoff in Redis is not their maximum cutoff. */
	List<String> usersNotAtTheirMaximum(UnifiedJedis redis) {
		List<String> values = new ArrayList<>();
		for (int from = 0; from < this.users.size(); from += 1_000) {
			try (redis.clients.jedis.AbstractPipeline pipeline = redis.pipelined()) {
				List<redis.clients.jedis.Response<String>> read = new ArrayList<>();
				for (String user : this.users.subList(from, Math.min(this.users.size(), from + 1_000))) {
					RedisKeys.Slot slot = RedisKeys.cutoff(DemoTenant.CONTOSO, user);
					read.add(pipeline.hget(slot.key(), slot.field()));
				}
				pipeline.sync();
				read.forEach((value) -> values.add(value.get()));
			}
		}
		List<String> wrong = new ArrayList<>();
		for (int i = 0; i < this.users.size(); i++) {
			Instant max = this.maxima.get(this.users.get(i));
			String expected = (max != null) ? Long.toString(max.toEpochMilli()) : null;
			if (expected != null && !expected.equals(values.get(i))) {
				wrong.add(this.users.get(i));
			}
		}
		return wrong;
	}

	@Override
	public void close() {
		this.producer.close(Duration.ofSeconds(10));
	}
}
