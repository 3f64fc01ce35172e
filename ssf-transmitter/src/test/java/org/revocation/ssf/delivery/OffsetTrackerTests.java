package org.revocation.ssf.delivery;

import java.util.List;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTests {

	private static final TopicPartition P0 = new TopicPartition("revocation-events", 0);

	private final OffsetTracker tracker = new OffsetTracker();

	@Test
	void committableWhenAnEventHasAnUndeliveredSetThenStopsAtThatEvent() {
		OffsetTracker.Ticket first = this.tracker.track(P0, 10, 2);
		this.tracker.track(P0, 11, 0);
		OffsetTracker.Ticket third = this.tracker.track(P0, 12, 1);
		third.done();

		assertThat(this.tracker.committable()).containsEntry(P0, new OffsetAndMetadata(10));

		first.done();
		assertThat(this.tracker.committable()).isEmpty(); // one of the two SETs of offset 10 is still out
		first.done();
		assertThat(this.tracker.committable()).containsEntry(P0, new OffsetAndMetadata(13));
	}

	@Test
	void committableWhenNothingMovedThenEmpty() {
		this.tracker.track(P0, 5, 0);
		assertThat(this.tracker.committable()).containsEntry(P0, new OffsetAndMetadata(6));

		assertThat(this.tracker.committable()).isEmpty();
	}

	@Test
	void doneWhenPartitionRevokedThenIgnored() {
		OffsetTracker.Ticket ticket = this.tracker.track(P0, 3, 1);
		this.tracker.forget(List.of(P0));

		ticket.done();

		assertThat(this.tracker.committable()).isEmpty();
	}
}
