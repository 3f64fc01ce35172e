package org.revocation.worker.apply;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;

/**
 * Consumes the revocation topic in batches. Valid events are max-merged into Redis in one pipeline; invalid records
 * go to the dead-letter topic; each user's new maximum goes to the compacted valid-from topic. The container commits the batch's offsets only when this method returns, that is after
 * Redis accepted every write; any failure (Redis down) is retried by the error handler with back-off, for as long as
 * it lasts, without committing.
 */
@Component
class RevocationListener {

	private static final Logger log = LoggerFactory.getLogger(RevocationListener.class);

	private final CutoffWriter writer;

	private final DeadLetters deadLetters;

	private final ValidFromLog validFromLog;

	RevocationListener(CutoffWriter writer, DeadLetters deadLetters, ValidFromLog validFromLog) {
		this.writer = writer;
		this.deadLetters = deadLetters;
		this.validFromLog = validFromLog;
	}

	@KafkaListener(id = "revocations", idIsGroup = false, topics = "${revocation.topic}")
	void onBatch(List<ConsumerRecord<String, byte[]>> records) throws Exception {
		List<RevocationEvent> events = new ArrayList<>(records.size());
		List<ConsumerRecord<String, byte[]>> invalid = new ArrayList<>();
		List<String> reasons = new ArrayList<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			try {
				events.add(RevocationEventCodec.decode(record.value()));
			}
			catch (InvalidRevocationEventException ex) {
				invalid.add(record);
				reasons.add(ex.getMessage());
			}
		}
		CutoffWriter.Applied applied = this.writer.apply(events, true);
		if (applied.viewComplete()) {
			// while the view is incomplete a move may not be the user's maximum; the rebuild publishes those
			this.validFromLog.publish(applied.moved());
		}
		for (int i = 0; i < invalid.size(); i++) {
			this.deadLetters.send(invalid.get(i), reasons.get(i));
		}
		for (RevocationEvent event : events) {
			MDC.put("request-id", event.requestId());
			MDC.put("client-request-id", event.clientRequestId());
			log.debug("applied tenant={} user={} validFrom={} eventId={}", event.tenantId(), event.userId(),
					event.validFrom(), event.eventId());
		}
		MDC.remove("request-id");
		MDC.remove("client-request-id");
		log.info("batch applied records={} events={} moved={} deadLettered={}", records.size(), events.size(),
				applied.moved().size(), invalid.size());
	}
}
