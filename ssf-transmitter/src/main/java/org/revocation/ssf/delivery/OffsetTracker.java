package org.revocation.ssf.delivery;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which revocation-topic offsets may be committed: an event's offset stays open until every SET made from it is
 * delivered, acknowledged, dead-lettered or dropped (stream disabled or deleted). Per partition the committable
 * offset is the lowest open one (or the next after the last read), so a restart re-reads every event a receiver has
 * not yet got, in order, and rebuilds its SETs with the same {@code jti}. Other streams may then see a copy again
 * (at least once).
 */
final class OffsetTracker {

	private final Map<TopicPartition, Partition> partitions = new HashMap<>();

	/** Records an event read at {@code offset} that produced {@code sets} SETs; returns what each SET calls when done. */
	synchronized Ticket track(TopicPartition partition, long offset, int sets) {
		Partition p = this.partitions.computeIfAbsent(partition, (k) -> new Partition());
		p.next = Math.max(p.next, offset + 1);
		if (sets > 0) {
			p.open.merge(offset, sets, Integer::sum);
		}
		return () -> done(partition, offset);
	}

	private synchronized void done(TopicPartition partition, long offset) {
		Partition p = this.partitions.get(partition);
		if (p == null) {
			return; // the partition was revoked meanwhile: its new owner re-reads from the committed offset
		}
		p.open.computeIfPresent(offset, (k, v) -> (v > 1) ? v - 1 : null);
	}

	/** The offsets that moved since the last call. */
	synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		this.partitions.forEach((tp, p) -> {
			long safe = p.open.isEmpty() ? p.next : p.open.firstKey();
			if (safe > p.committed) {
				commits.put(tp, new OffsetAndMetadata(safe));
				p.committed = safe;
			}
		});
		return commits;
	}

	synchronized void forget(Collection<TopicPartition> revoked) {
		revoked.forEach(this.partitions::remove);
	}

	/** Called once for each SET of an event when it needs no more delivery. */
	interface Ticket {

		Ticket NONE = () -> {
		};

		void done();
	}

	private static final class Partition {

		final TreeMap<Long, Integer> open = new TreeMap<>();

		long next = -1;

		long committed = -1;
	}
}
