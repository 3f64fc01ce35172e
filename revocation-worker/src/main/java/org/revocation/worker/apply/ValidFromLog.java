package org.revocation.worker.apply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;

/**
 * The durable home of {@code signInSessionsValidFromDateTime}: a log-compacted topic ({@code <topic>-valid-from}) keyed
 * by tenant/user whose latest record is the event that set the user's latest cutoff. Kept for ever by compaction, it
 * lets a rebuild restore the property after the user's revocation events left the time-based retention.
 */
@Component
public class ValidFromLog {

	/** How long a caller waits for the acks of one publish before counting it failed. */
	static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	private final KafkaTemplate<String, byte[]> kafka;

	private final String topic;

	ValidFromLog(KafkaTemplate<String, byte[]> kafka, RevocationProperties properties) {
		this.kafka = kafka;
		this.topic = topicOf(properties);
	}

	public static String topicOf(RevocationProperties properties) {
		return properties.topic() + "-valid-from";
	}

	/** Publishes each user's new maximum and waits for the acks. */
	public void publish(List<RevocationEvent> latest) throws Exception {
		send(latest).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Sends each user's new maximum without waiting: the future completes when every record is acknowledged, or
	 * exceptionally when one is not. Records of one user keep their order (one partition per key, idempotent producer).
	 */
	CompletableFuture<Void> send(List<RevocationEvent> latest) {
		CompletableFuture<?>[] sends = new CompletableFuture<?>[latest.size()];
		try {
			for (int i = 0; i < sends.length; i++) {
				RevocationEvent event = latest.get(i);
				sends[i] = this.kafka.send(this.topic, event.key(), RevocationEventCodec.encode(event));
			}
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return CompletableFuture.allOf(sends);
	}
}
