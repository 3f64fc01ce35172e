package org.revocation.worker.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
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
		List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>(latest.size());
		for (RevocationEvent event : latest) {
			sends.add(this.kafka.send(this.topic, event.key(), RevocationEventCodec.encode(event)));
		}
		for (CompletableFuture<SendResult<String, byte[]>> send : sends) {
			send.get(30, TimeUnit.SECONDS);
		}
	}
}
