package org.revocation.resourceserver;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.testing.DemoTenant;

/** Publishes revocation events as the gateway (events topic) and the worker (valid-from topic) do. */
public final class TestRevocations implements AutoCloseable {

	private final KafkaProducer<String, byte[]> producer;

	public TestRevocations(String bootstrapServers) {
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
	}

	public static RevocationEvent revocation(DemoTenant.User user, Instant cutoff) {
		return RevocationEvent.accepted(user.tenantId(), user.id(), cutoff, Actor.user(user.id()), "req", "req");
	}

	public void send(String topic, RevocationEvent event) {
		send(topic, event.key(), RevocationEventCodec.encode(event));
	}

	public void send(String topic, String key, byte[] value) {
		try {
			this.producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.producer.close();
	}
}
