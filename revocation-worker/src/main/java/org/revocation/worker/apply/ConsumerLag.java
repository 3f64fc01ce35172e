package org.revocation.worker.apply;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code revocation.consumer.lag}: records of the revocation topic this instance has not applied yet, summed
 * over its assigned partitions, as of its last batch (from the high watermarks of the last fetch, no extra round trip).
 * Kafka's own {@code kafka.consumer.fetch.manager.records.lag.max} is exported beside it.
 */
@Component
class ConsumerLag {

	private final AtomicLong lag = new AtomicLong();

	ConsumerLag(MeterRegistry meters) {
		Gauge.builder("revocation.consumer.lag", this.lag, AtomicLong::get)
			.description("revocation events not yet applied by this instance (its assigned partitions, last batch)")
			.baseUnit("records")
			.register(meters);
	}

	/** Reads the lag of every assigned partition known to the consumer; returns the sum. */
	long update(Consumer<?, ?> consumer) {
		long sum = 0;
		for (TopicPartition partition : consumer.assignment()) {
			OptionalLong partitionLag = consumer.currentLag(partition);
			if (partitionLag.isPresent()) {
				sum += partitionLag.getAsLong();
			}
		}
		this.lag.set(sum);
		return sum;
	}
}
