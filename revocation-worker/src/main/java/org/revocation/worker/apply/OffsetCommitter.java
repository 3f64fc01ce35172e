package org.revocation.worker.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

import org.revocation.core.event.RevocationEvent;

/**
 * Commits the revocation topic's offsets of a batch only once every record at or below them is applied (its cutoff in
 * Redis, replicated on a cluster) and its valid-from records are acknowledged, without making the next batch wait for
 * either (issue 17). A batch is <em>held</em> when its listener call ends: its valid-from sends are started, not
 * awaited. The next call writes its own batch to Redis and announces it first, then settles the held batch: waits for
 * its sends (usually done by then) and commits its offsets with {@code commitAsync}, whose answer arrives while the
 * batch after is written. A held batch whose sends are already done when a call starts is committed at once.
 *
 * <p>At most one batch is held, and a batch is held only after the one before it was settled, so commits go out in
 * batch order and never cover a record whose valid-from was not acknowledged. A held batch whose sends failed is
 * published again before anything later is published or committed (so each user's latest record in the compacted
 * topic is still the maximum); if that fails too the listener throws and the error handler retries the later batch,
 * still committing nothing. A failed asynchronous commit is sent again with the next one. When partitions are revoked
 * the held batch is waited for (bounded) and what is committable is committed synchronously; what is not stays
 * uncommitted and is read again by the partitions' next owner. Lost partitions are forgotten without a commit. When no
 * batch arrives, the container's idle event settles the held batch. Only consumer threads call this class (listener,
 * rebalance callbacks, idle events), each with its own consumer and state.
 */
@Component
class OffsetCommitter implements ConsumerAwareRebalanceListener {

	private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);

	private final ValidFromLog validFromLog;

	private final Clock clock;

	private final Duration ackTimeout;

	private final Map<Consumer<?, ?>, Ledger> ledgers = new ConcurrentHashMap<>();

	private final AtomicInteger uncommitted = new AtomicInteger();

	private final Timer waited;

	private final Counter republished;

	@Autowired
	OffsetCommitter(ValidFromLog validFromLog, Clock clock, MeterRegistry meters) {
		this(validFromLog, clock, meters, ValidFromLog.ACK_TIMEOUT);
	}

	/**
	 * @param ackTimeout how long settling a held batch (after the next batch's writes, or on revocation) waits for its
	 * valid-from acks
	 */
	OffsetCommitter(ValidFromLog validFromLog, Clock clock, MeterRegistry meters, Duration ackTimeout) {
		this.validFromLog = validFromLog;
		this.clock = clock;
		this.ackTimeout = ackTimeout;
		Gauge.builder("revocation.batches.uncommitted", this.uncommitted, AtomicInteger::get)
			.description("applied batches whose offsets are not committed yet: held for their valid-from acks, or "
					+ "their asynchronous commit not answered yet")
			.baseUnit("batches")
			.register(meters);
		this.waited = Timer.builder("revocation.valid.from.wait")
			.description("time a batch waited, after its own Redis writes, for the valid-from acks of the batch "
					+ "before it (zero when the publish is hidden behind the writes)")
			.register(meters);
		this.republished = Counter.builder("revocation.valid.from.republished")
			.description("held batches whose valid-from sends failed and were published again")
			.register(meters);
	}

	/** Before a batch's writes: commits the held batch if its valid-from acks are in, without waiting. */
	void commitIfPublished(Consumer<?, ?> consumer) {
		Ledger ledger = ledger(consumer);
		Held held = ledger.held;
		if (held != null && held.sends.isDone() && !held.sends.isCompletedExceptionally()) {
			ledger.promote(consumer.assignment());
		}
		commitAsync(consumer, ledger);
	}

	/**
	 * After a batch's writes: waits (at most the ack timeout) for the held batch's valid-from acks, publishes it again
	 * if they failed, and commits it. Throws when it could not be published: nothing later may then be committed.
	 */
	void settle(Consumer<?, ?> consumer) throws Exception {
		Ledger ledger = ledger(consumer);
		Held held = ledger.held;
		if (held == null) {
			return;
		}
		Instant start = this.clock.instant();
		boolean acked = await(held.sends, this.ackTimeout);
		this.waited.record(Duration.between(start, this.clock.instant()));
		if (!acked) {
			// published again in full, and before anything later: the compacted topic keeps each user's maximum last
			this.republished.increment();
			log.warn("valid-from records of a batch of {} partitions not acknowledged: published again before the "
					+ "next batch, offsets not committed until then", held.offsets.size());
			held.sends = this.validFromLog.send(held.latest);
			held.sends.get(this.ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		ledger.promote(consumer.assignment());
		commitAsync(consumer, ledger);
	}

	/**
	 * Holds a batch that is applied (and announced): its valid-from records are being sent; its offsets are committed
	 * once they are acknowledged. The batch held before must have been settled.
	 */
	void hold(Consumer<?, ?> consumer, List<? extends ConsumerRecord<?, ?>> records, List<RevocationEvent> latest,
			CompletableFuture<Void> sends) {
		Ledger ledger = ledger(consumer);
		if (ledger.held != null) {
			throw new IllegalStateException("a batch is already held: settle it first");
		}
		Map<TopicPartition, Long> offsets = new HashMap<>();
		for (ConsumerRecord<?, ?> record : records) {
			offsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
		}
		ledger.held = new Held(offsets, List.copyOf(latest), sends);
		this.uncommitted.incrementAndGet();
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Ledger ledger = this.ledgers.get(consumer);
		if (ledger == null) {
			return;
		}
		Held held = ledger.held;
		if (held != null) {
			if (await(held.sends, this.ackTimeout)) {
				ledger.promote(consumer.assignment());
			}
			else {
				log.warn("partitions {} revoked while the held batch's valid-from records are not acknowledged: its "
						+ "offsets of those partitions stay uncommitted, read again by their next owner", partitions);
			}
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable(consumer.assignment(), true);
		if (!offsets.isEmpty()) {
			try {
				consumer.commitSync(offsets);
				ledger.confirm(offsets);
			}
			catch (KafkaException ex) {
				log.warn("offsets {} not committed on revocation ({}): those records are read again", offsets,
						ex.toString());
			}
		}
		ledger.forget(partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// no longer ours and no commit possible: forget them so the revocation that follows commits nothing for them
		Ledger ledger = this.ledgers.get(consumer);
		if (ledger != null) {
			ledger.forget(partitions);
		}
	}

	/** No batch for a while: settle the held batch (and resend a failed commit), so an idle worker commits too. */
	@EventListener(condition = "event.listenerId.startsWith('" + RevocationListener.ID + "')")
	void onIdle(ListenerContainerIdleEvent event) {
		Consumer<?, ?> consumer = event.getConsumer();
		Held held = ledger(consumer).held;
		if (held != null && held.sends.isCompletedExceptionally()) {
			try {
				settle(consumer);
			}
			catch (Exception ex) {
				log.warn("valid-from records of the held batch still not acknowledged ({}): retried at the next batch "
						+ "or idle event, offsets not committed", ex.toString());
			}
			return;
		}
		commitIfPublished(consumer);
	}

	private Ledger ledger(Consumer<?, ?> consumer) {
		return this.ledgers.computeIfAbsent(consumer, (c) -> new Ledger());
	}

	private void commitAsync(Consumer<?, ?> consumer, Ledger ledger) {
		Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable(consumer.assignment(), false);
		if (offsets.isEmpty()) {
			return;
		}
		ledger.sent(offsets);
		consumer.commitAsync(offsets, (done, ex) -> {
			// called back on the consumer thread, from a later poll or commit
			ledger.answered();
			if (ex == null) {
				ledger.confirm(offsets);
			}
			else {
				ledger.failed(offsets);
				log.warn("offsets {} not committed ({}): sent again with the next commit", offsets, ex.toString());
			}
		});
	}

	/** True when the sends completed normally within the bound; false when they failed or are still running. */
	private static boolean await(CompletableFuture<Void> sends, Duration bound) {
		try {
			sends.get(bound.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** A batch applied in Redis whose valid-from sends are under way. */
	private static final class Held {

		final Map<TopicPartition, Long> offsets;

		final List<RevocationEvent> latest;

		CompletableFuture<Void> sends;

		Held(Map<TopicPartition, Long> offsets, List<RevocationEvent> latest, CompletableFuture<Void> sends) {
			this.offsets = offsets;
			this.latest = latest;
			this.sends = sends;
		}
	}

	/**
	 * One consumer's offsets: committable (every record below is applied and published), sent (asked to be committed)
	 * and confirmed (the broker answered). Confined to that consumer's thread.
	 */
	private final class Ledger {

		Held held;

		final Map<TopicPartition, Long> committable = new HashMap<>();

		final Map<TopicPartition, Long> sent = new HashMap<>();

		final Map<TopicPartition, Long> confirmed = new HashMap<>();

		int inFlight;

		/** The held batch is published: its offsets of partitions still assigned become committable. */
		void promote(Set<TopicPartition> assigned) {
			this.held.offsets.forEach((partition, offset) -> {
				if (assigned.contains(partition)) {
					this.committable.merge(partition, offset, Math::max);
				}
			});
			this.held = null;
			OffsetCommitter.this.uncommitted.decrementAndGet();
		}

		Map<TopicPartition, OffsetAndMetadata> committable(Set<TopicPartition> assigned, boolean includingSent) {
			Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
			this.committable.forEach((partition, offset) -> {
				Long known = (includingSent ? this.confirmed : this.sent).get(partition);
				if (assigned.contains(partition) && (known == null || known < offset)) {
					offsets.put(partition, new OffsetAndMetadata(offset));
				}
			});
			return offsets;
		}

		void sent(Map<TopicPartition, OffsetAndMetadata> offsets) {
			offsets.forEach((partition, offset) -> this.sent.merge(partition, offset.offset(), Math::max));
			this.inFlight += 1;
			OffsetCommitter.this.uncommitted.incrementAndGet();
		}

		void confirm(Map<TopicPartition, OffsetAndMetadata> offsets) {
			offsets.forEach((partition, offset) -> {
				if (this.committable.containsKey(partition)) {
					this.confirmed.merge(partition, offset.offset(), Math::max);
				}
			});
		}

		void failed(Map<TopicPartition, OffsetAndMetadata> offsets) {
			// whatever this commit carried and no later commit confirmed is sent again with the next one
			offsets.keySet().forEach((partition) -> {
				Long confirmed = this.confirmed.get(partition);
				if (confirmed == null) {
					this.sent.remove(partition);
				}
				else {
					this.sent.put(partition, confirmed);
				}
			});
		}

		void answered() {
			if (this.inFlight > 0) {
				this.inFlight -= 1;
				OffsetCommitter.this.uncommitted.decrementAndGet();
			}
		}

		void forget(Collection<TopicPartition> partitions) {
			partitions.forEach((partition) -> {
				this.committable.remove(partition);
				this.sent.remove(partition);
				this.confirmed.remove(partition);
				if (this.held != null) {
					this.held.offsets.remove(partition);
				}
			});
		}
	}
}
