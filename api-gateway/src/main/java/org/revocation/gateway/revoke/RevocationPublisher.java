package org.revocation.gateway.revoke;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
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

	/**
	 * Completes when the broker acknowledged the event; completes exceptionally with a 503 {@link GraphException}
	 * when it did not within the bound. The ack's partition and offset say when the worker applied it.
	 */
	CompletableFuture<RecordMetadata> publish(RevocationEvent event) {
		CompletableFuture<SendResult<String, byte[]>> sent;
		try {
			sent = this.kafka.send(this.topic, event.key(), RevocationEventCodec.encode(event));
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		return sent.orTimeout(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((result, ex) -> {
			if (ex != null) {
				log.warn("revocation not acknowledged by Kafka tenant={} user={}: {}", event.tenantId(), event.userId(),
						ex.toString());
				throw new CompletionException(GraphException.serviceUnavailable(RETRY_AFTER_SECONDS));
			}
			return result.getRecordMetadata();
		});
	}
}
