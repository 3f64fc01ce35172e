package org.revocation.gateway.revoke;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.gateway.config.GatewayProperties;
import org.revocation.gateway.graph.GraphException;

/**
 * Publishes one revocation event and waits, bounded, for the broker's ack (idempotent producer, acks=all). No ack in
 * time means 503 with Retry-After, never 200 (DESIGN.md sections 3.1 and 4).
 */
@Component
class RevocationPublisher {

	private static final Logger log = LoggerFactory.getLogger(RevocationPublisher.class);

	private static final int RETRY_AFTER_SECONDS = 5;

	private final KafkaTemplate<String, byte[]> kafka;

	private final String topic;

	private final Duration sendTimeout;

	RevocationPublisher(KafkaTemplate<String, byte[]> kafka, RevocationProperties revocation,
			GatewayProperties properties) {
		this.kafka = kafka;
		this.topic = revocation.topic();
		this.sendTimeout = properties.kafkaSendTimeout();
	}

	void publish(RevocationEvent event) {
		try {
			this.kafka.send(this.topic, event.key(), RevocationEventCodec.encode(event))
				.get(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw GraphException.serviceUnavailable(RETRY_AFTER_SECONDS);
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			log.warn("revocation not acknowledged by Kafka tenant={} user={}: {}", event.tenantId(), event.userId(),
					ex.toString());
			throw GraphException.serviceUnavailable(RETRY_AFTER_SECONDS);
		}
	}
}
