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
 * go to the dead-letter topic; each user's maximum goes to the compacted valid-from topic. A batch's offsets are
 * committed (by {@link OffsetCommitter}, not by the container: ack mode manual, nothing acknowledged) only after Redis
 * accepted every write while the view was complete and the batch's valid-from records were acknowledged; those sends
 * and the commit overlap the next batch's writes. Any failure (Redis down, the view being rebuilt, Kafka not
 * acknowledging) is retried by the error handler with back-off, for as long as it lasts, without committing.
 */
@Component
class RevocationListener {

	static final String ID = "revocations";

	private static final Logger log = LoggerFactory.getLogger(RevocationListener.class);

	private final CutoffWriter writer;

	private final DeadLetters deadLetters;

	private final ValidFromLog validFromLog;

	private final ConsumerLag lag;

	private final AppliedAnnouncer announcer;

	private final OffsetCommitter commits;

	RevocationListener(CutoffWriter writer, DeadLetters deadLetters, ValidFromLog validFromLog, ConsumerLag lag,
			AppliedAnnouncer announcer, OffsetCommitter commits) {
		this.writer = writer;
		this.deadLetters = deadLetters;
		this.validFromLog = validFromLog;
		this.lag = lag;
		this.announcer = announcer;
		this.commits = commits;
	}

	@KafkaListener(id = ID, idIsGroup = false, topics = "${revocation.topic}")
	void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) throws Exception {
		// the batch before, if its valid-from acks are in already: its commit goes out while this batch is written
		this.commits.commitIfPublished(consumer);
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
		// the batch before: its valid-from acks (republished if they failed, before this batch publishes), its commit
		this.commits.settle(consumer);
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
		// each user's durable cutoff as this batch left it, so the compacted topic's latest record is the maximum; sent
		// now, acknowledged while the next batch is written, and only then is this batch committed
		this.commits.hold(consumer, records, applied.latest(), this.validFromLog.send(applied.latest()));
	}
}
