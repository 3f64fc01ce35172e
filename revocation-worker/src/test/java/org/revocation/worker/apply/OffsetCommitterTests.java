package org.revocation.worker.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The commit rule of the overlapped pipeline, on Kafka's own mock consumer and producer: an offset is committed only
 * after every record below it was applied and its valid-from records acknowledged, in batch order, and never for a
 * partition this consumer no longer owns.
 */
class OffsetCommitterTests {

	private static final String TOPIC = "revocation-events";

	private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

	private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

	private static final Instant T0 = Instant.parse("2026-12-07T06:00:00.000Z");

	private final MutableClock clock = new MutableClock(T0);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ControlledProducer producer = new ControlledProducer();

	private final ValidFromLog validFromLog = new ValidFromLog(new KafkaTemplate<>(() -> this.producer),
			new RevocationProperties(Duration.ofSeconds(1), Duration.ofDays(90), TOPIC, "", "https://localhost:8443",
					new RevocationProperties.Redis("localhost", 6380, Duration.ofSeconds(2), "", Duration.ofMillis(500))));

	private final OffsetCommitter committer = new OffsetCommitter(this.validFromLog, this.clock, this.meters,
			Duration.ofSeconds(30));

	private final FailingOnceConsumer consumer = new FailingOnceConsumer();

	@BeforeEach
	void assign() {
		this.consumer.assign(List.of(P0, P1));
	}

	@Test
	void commitIfPublishedWhenValidFromNotAckedThenNothingCommittedUntilAcked() {
		CompletableFuture<Void> sends = new CompletableFuture<>();
		this.committer.hold(this.consumer, records(P0, 10, 11, 12), List.of(), sends);

		this.committer.commitIfPublished(this.consumer);
		assertThat(committed()).isEmpty();
		assertThat(this.meters.get("revocation.batches.uncommitted").gauge().value()).isEqualTo(1);

		sends.complete(null);
		this.committer.commitIfPublished(this.consumer);
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 13L));
		assertThat(this.meters.get("revocation.batches.uncommitted").gauge().value()).isZero();
	}

	@Test
	void settleWhenValidFromAckedLaterThenWaitsAndCommitsTheBatchBefore() {
		CompletableFuture<Void> sends = new CompletableFuture<>();
		this.committer.hold(this.consumer, records(P0, 5), List.of(), sends);
		// the acks arrive while the next batch's writes run; settle (after those writes) waits for them, then commits
		CompletableFuture.runAsync(() -> sends.complete(null));

		settle();

		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 6L));
	}

	@Test
	void settleWhenValidFromFailedThenPublishedAgainBeforeCommitting() {
		RevocationEvent bob = revocation(DemoTenant.BOB);
		this.committer.hold(this.consumer, records(P1, 40, 41), List.of(bob),
				CompletableFuture.failedFuture(new TimeoutException("no ack")));
		this.producer.autoComplete();

		settle();

		assertThat(this.producer.history()).extracting((record) -> record.key()).containsExactly(bob.key());
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P1, 42L));
		assertThat(this.meters.get("revocation.valid.from.republished").counter().count()).isEqualTo(1);
	}

	@Test
	void settleWhenPublishingAgainFailsThenThrowsCommitsNothingAndRetriesLater() {
		RevocationEvent bob = revocation(DemoTenant.BOB);
		this.committer.hold(this.consumer, records(P0, 7), List.of(bob),
				CompletableFuture.failedFuture(new TimeoutException("no ack")));
		this.producer.sendException = new KafkaException("broker unreachable");

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(
				() -> this.committer.settle(this.consumer));
		this.committer.commitIfPublished(this.consumer); // the next attempt of the listener
		assertThat(committed()).isEmpty();
		// nothing later can be held (so nothing later committed or published) while this batch is not settled
		assertThatIllegalStateException().isThrownBy(
				() -> this.committer.hold(this.consumer, records(P0, 8), List.of(), CompletableFuture.completedFuture(null)));

		this.producer.sendException = null;
		this.producer.autoComplete();
		settle();
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 8L));
	}

	@Test
	void holdWhenBatchesFollowThenCommitsGoOutInBatchOrder() {
		CompletableFuture<Void> first = new CompletableFuture<>();
		this.committer.hold(this.consumer, records(P0, 1, 2), List.of(), first);
		first.complete(null);
		settle();
		CompletableFuture<Void> second = new CompletableFuture<>();
		this.committer.hold(this.consumer, records(P0, 3), List.of(), second);
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 3L));
		second.complete(null);
		settle();
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 4L));
		assertThat(this.consumer.commits).containsExactly(Map.of(P0, new OffsetAndMetadata(3)),
				Map.of(P0, new OffsetAndMetadata(4)));
	}

	@Test
	void commitWhenAsyncCommitFailedThenSentAgainWithTheNextCommit() {
		this.consumer.failNextCommit = true;
		this.committer.hold(this.consumer, records(P0, 20), List.of(), CompletableFuture.completedFuture(null));
		settle();
		assertThat(committed()).isEmpty();

		this.committer.hold(this.consumer, records(P1, 3), List.of(), CompletableFuture.completedFuture(null));
		settle();

		assertThat(committed()).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 21L, P1, 4L));
	}

	@Test
	void onPartitionsRevokedWhenHeldBatchAckedThenCommittedSynchronouslyBeforeTheyMove() {
		this.committer.hold(this.consumer, records(P0, 30), List.of(), CompletableFuture.completedFuture(null));

		this.committer.onPartitionsRevokedBeforeCommit(this.consumer, List.of(P0, P1));

		assertThat(this.consumer.syncCommits).containsExactly(Map.of(P0, new OffsetAndMetadata(31)));
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P0, 31L));
	}

	@Test
	void onPartitionsRevokedWhenHeldBatchNotAckedThenItsRevokedPartitionsAreNeverCommittedByThisConsumer() {
		RevocationEvent bob = revocation(DemoTenant.BOB);
		this.committer.hold(this.consumer, mixed(), List.of(bob),
				CompletableFuture.failedFuture(new TimeoutException("no ack")));

		this.committer.onPartitionsRevokedBeforeCommit(this.consumer, List.of(P0));
		this.consumer.assign(List.of(P1));
		assertThat(committed()).isEmpty();

		// the listener's next attempt publishes the held batch again and commits only what this consumer still owns
		this.producer.autoComplete();
		settle();
		assertThat(committed()).containsExactlyEntriesOf(Map.of(P1, 16L));
		assertThat(this.producer.history()).hasSize(1);
	}

	@Test
	void onPartitionsLostThenNothingOfThemCommitted() {
		this.committer.hold(this.consumer, mixed(), List.of(), CompletableFuture.completedFuture(null));

		this.committer.onPartitionsLost(this.consumer, List.of(P0));
		this.committer.onPartitionsRevokedBeforeCommit(this.consumer, List.of(P0));

		assertThat(committed()).containsExactlyEntriesOf(Map.of(P1, 16L));
	}

	@Test
	void onIdleWhenHeldBatchAckedThenCommitted() {
		this.committer.hold(this.consumer, records(P1, 9), List.of(), CompletableFuture.completedFuture(null));

		this.committer.onIdle(idle());

		assertThat(committed()).containsExactlyEntriesOf(Map.of(P1, 10L));
	}

	@Test
	void onIdleWhenHeldBatchFailedThenPublishedAgainAndCommitted() {
		this.committer.hold(this.consumer, records(P1, 9), List.of(revocation(DemoTenant.CAROL)),
				CompletableFuture.failedFuture(new TimeoutException("no ack")));
		this.producer.sendException = new KafkaException("broker unreachable");
		this.committer.onIdle(idle()); // still failing: logged, nothing committed, nothing thrown
		assertThat(committed()).isEmpty();

		this.producer.sendException = null;
		this.producer.autoComplete();
		this.committer.onIdle(idle());

		assertThat(committed()).containsExactlyEntriesOf(Map.of(P1, 10L));
	}

	@Test
	void settleRecordsTheWaitOnTheInjectedClock() {
		// the acks arrive 12 ms after settle started waiting for them
		CompletableFuture<Void> sends = new CompletableFuture<>() {
			@Override
			public Void get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException {
				OffsetCommitterTests.this.clock.advance(Duration.ofMillis(12));
				complete(null);
				return join();
			}
		};
		this.committer.hold(this.consumer, records(P0, 1), List.of(), sends);

		settle();

		assertThat(this.meters.get("revocation.valid.from.wait").timer().totalTime(TimeUnit.MILLISECONDS))
			.isEqualTo(12);
	}

	private void settle() {
		try {
			this.committer.settle(this.consumer);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	private Map<TopicPartition, Long> committed() {
		Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparing(TopicPartition::partition));
		this.consumer.committed(Set.of(P0, P1)).forEach((partition, offset) -> {
			if (offset != null) {
				offsets.put(partition, offset.offset());
			}
		});
		return offsets;
	}

	private ListenerContainerIdleEvent idle() {
		return new ListenerContainerIdleEvent(this, this, 1_000, RevocationListener.ID + "-0", List.of(P0, P1),
				this.consumer, false);
	}

	private static List<ConsumerRecord<String, byte[]>> records(TopicPartition partition, long... offsets) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		for (long offset : offsets) {
			records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", new byte[0]));
		}
		return records;
	}

	private static List<ConsumerRecord<String, byte[]>> mixed() {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(records(P0, 3, 4));
		records.addAll(records(P1, 15));
		return records;
	}

	private static RevocationEvent revocation(DemoTenant.User user) {
		return RevocationEvent.accepted(user.tenantId(), user.id(), T0,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
	}

	/** Records every commit; the first asynchronous one fails when told to, as a commit during a rebalance does. */
	private static final class FailingOnceConsumer extends MockConsumer<String, byte[]> {

		final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

		final List<Map<TopicPartition, OffsetAndMetadata>> syncCommits = new ArrayList<>();

		boolean failNextCommit;

		FailingOnceConsumer() {
			super("earliest");
		}

		@Override
		public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
				OffsetCommitCallback callback) {
			this.commits.add(Map.copyOf(offsets));
			if (this.failNextCommit) {
				this.failNextCommit = false;
				callback.onComplete(offsets, new KafkaException("rebalance in progress"));
				return;
			}
			super.commitAsync(offsets, callback);
		}

		@Override
		public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
			this.syncCommits.add(Map.copyOf(offsets));
			super.commitSync(offsets);
		}
	}
}
