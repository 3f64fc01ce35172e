package org.revocation.worker.apply;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;

/**
 * Consumes the revocation topic in batches. Valid events are max-merged into Redis in one pipeline; invalid records
 * go to the dead-letter topic; each user's maximum goes to the compacted valid-from topic. The container commits the
 * batch's offsets only when this method returns, that is after Redis accepted every write while the view was
 * complete; any failure (Redis down, the view being rebuilt, Kafka not acknowledging) is retried by the error handler
 * with back-off, for as long as it lasts, without committing.
 */
@Component
class RevocationListener {

	private static final Logger log = LoggerFactory.getLogger(RevocationListener.class);

	private final CutoffWriter writer;

	private final DeadLetters deadLetters;

	private final ValidFromLog validFromLog;

	private final ConsumerLag lag;

	private final AppliedAnnouncer announcer;

	RevocationListener(CutoffWriter writer, DeadLetters deadLetters, ValidFromLog validFromLog, ConsumerLag lag,
			AppliedAnnouncer announcer) {
		this.writer = writer;
		this.deadLetters = deadLetters;
		this.validFromLog = validFromLog;
		this.lag = lag;
		this.announcer = announcer;
	}

	@KafkaListener(id = "revocations", idIsGroup = false, topics = "${revocation.topic}")
	void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) throws Exception {
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
		CutoffWriter.Applied applied;
		try {
			applied = this.writer.apply(events);
		}
		catch (JedisException ex) {
			log.warn("Redis did not accept the batch of {} records ({}): retried with back-off, nothing committed",
					records.size(), ex.toString());
			throw ex;
		}
		if (!events.isEmpty() && !applied.viewComplete()) {
			// Redis lost its data and is being rebuilt: the cutoffs just written may not be each user's maximum yet,
			// so they cannot go to the valid-from topic. The batch stays uncommitted (its writes stay; the max-merge
			// makes the retry harmless) until the rebuild set the marker; checkers fail closed meanwhile.
			log.info("view incomplete (rebuild in progress): batch of {} records written, retried until the marker "
					+ "is back, nothing committed", records.size());
			throw new ViewIncompleteException();
		}
		this.writer.recordApplied(events, true);
		// the cutoffs are in Redis: the gateways waiting on these offsets can answer (issue 17)
		this.announcer.announce(records);
		// each user's durable cutoff as this batch left it, so the compacted topic's latest record is the maximum
		this.validFromLog.publish(applied.latest());
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
		long lag = this.lag.update(consumer);
		log.info("batch applied records={} events={} users={} deadLettered={} lag={}", records.size(), events.size(),
				applied.latest().size(), invalid.size(), lag);
	}
}
