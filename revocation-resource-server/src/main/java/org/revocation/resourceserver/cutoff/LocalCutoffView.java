package org.revocation.resourceserver.cutoff;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.revocation.core.event.InvalidRevocationEventException;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.CutoffUnavailableException;

/**
 * Every user's latest cutoff, in memory, kept current by one thread that reads the compacted valid-from topic from
 * its beginning and the events topic from {@code eventsLookback} ago, then follows both. No consumer group: every
 * instance reads every partition, and nothing is committed. Cutoffs are max-merged, so the order in which the two
 * topics arrive does not matter.
 * <p>
 * The view is only trusted while it is caught up: every {@code checkInterval} the thread asks the broker for the
 * topics' end offsets, and once its positions reach them the view is known complete as of the moment it asked.
 * {@link #cutoff} refuses to answer (the caller fails closed) until the first catch-up, and whenever that moment is
 * more than {@code maxLag} ago: Kafka unreachable, or the view falling behind.
 */
public final class LocalCutoffView implements CutoffSource, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LocalCutoffView.class);

	private static final long NEVER = Long.MIN_VALUE;

	private static final Duration POLL = Duration.ofMillis(100);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration RETRY = Duration.ofSeconds(1);

	private final Map<String, Long> cutoffs = new ConcurrentHashMap<>();

	private final Supplier<Consumer<byte[], byte[]>> consumers;

	private final String validFromTopic;

	private final String eventsTopic;

	private final Duration eventsLookback;

	private final long maxLagMillis;

	private final long checkIntervalMillis;

	private final Clock clock;

	private final LongAdder records = new LongAdder();

	private final LongAdder invalidRecords = new LongAdder();

	private final Object stopSignal = new Object();

	private volatile long caughtUpAt = NEVER;

	private volatile String reason = "revocation view not caught up yet";

	private volatile boolean running;

	private volatile Consumer<byte[], byte[]> consumer;

	private Thread thread;

	/**
	 * @param consumers makes the consumer the view's thread uses (byte arrays, no group, no auto-commit)
	 */
	public LocalCutoffView(Supplier<Consumer<byte[], byte[]>> consumers, String validFromTopic, String eventsTopic,
			Duration eventsLookback, Duration maxLag, Clock clock) {
		this.consumers = Objects.requireNonNull(consumers, "consumers cannot be null");
		this.validFromTopic = Objects.requireNonNull(validFromTopic, "validFromTopic cannot be null");
		this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic cannot be null");
		this.eventsLookback = Objects.requireNonNull(eventsLookback, "eventsLookback cannot be null");
		this.maxLagMillis = maxLag.toMillis();
		this.checkIntervalMillis = Math.max(20, Math.min(1000, this.maxLagMillis / 5));
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/** Starts the thread that follows the topics. Answers fail closed until it has caught up. */
	public synchronized LocalCutoffView start() {
		if (this.thread == null) {
			this.running = true;
			this.thread = new Thread(this::run, "revocation-view");
			this.thread.setDaemon(true);
			this.thread.start();
		}
		return this;
	}

	@Override
	public Optional<Instant> cutoff(String tenantId, String userId) {
		long lag = lagMillis();
		if (lag > this.maxLagMillis) {
			throw new CutoffUnavailableException(unavailableReason(lag));
		}
		Long cutoff = this.cutoffs.get(RevocationEvent.key(tenantId.toLowerCase(Locale.ROOT),
				userId.toLowerCase(Locale.ROOT)));
		return (cutoff != null) ? Optional.of(Instant.ofEpochMilli(cutoff)) : Optional.empty();
	}

	@Override
	public Status status() {
		long lag = lagMillis();
		boolean available = lag <= this.maxLagMillis;
		return new Status(available, lag, this.cutoffs.size(), available ? null : unavailableReason(lag));
	}

	/** How long ago the view was last known complete; {@link Long#MAX_VALUE} before the first catch-up. */
	public long lagMillis() {
		long at = this.caughtUpAt;
		return (at == NEVER) ? Long.MAX_VALUE : Math.max(0, this.clock.millis() - at);
	}

	/** Records read from both topics. */
	public long records() {
		return this.records.sum();
	}

	/** Records that were not valid revocation events (skipped, as the worker sends them to its dead-letter topic). */
	public long invalidRecords() {
		return this.invalidRecords.sum();
	}

	/** Cutoffs held. */
	public int users() {
		return this.cutoffs.size();
	}

	private String unavailableReason(long lag) {
		String why = this.reason;
		return (lag == Long.MAX_VALUE) ? "revocation view not caught up yet" + ((why != null) ? ": " + why : "")
				: "revocation view " + lag + " ms behind" + ((why != null) ? ": " + why : "");
	}

	private void run() {
		while (this.running) {
			try (Consumer<byte[], byte[]> consumer = this.consumers.get()) {
				this.consumer = consumer;
				follow(consumer);
			}
			catch (WakeupException | InterruptException ex) {
				// close() asked us to stop
			}
			catch (RuntimeException ex) {
				this.reason = ex.getMessage();
				log.warn("revocation view cannot follow topics {} and {}, retrying in {}: {}", this.validFromTopic,
						this.eventsTopic, RETRY, ex.toString());
				pause(RETRY);
			}
			finally {
				this.consumer = null;
			}
		}
	}

	private void follow(Consumer<byte[], byte[]> consumer) {
		List<TopicPartition> validFrom = partitions(consumer, this.validFromTopic);
		List<TopicPartition> events = partitions(consumer, this.eventsTopic);
		List<TopicPartition> all = new ArrayList<>(validFrom);
		all.addAll(events);
		consumer.assign(all);
		consumer.seekToBeginning(validFrom);
		long since = this.clock.millis() - this.eventsLookback.toMillis();
		Map<TopicPartition, Long> times = new HashMap<>();
		events.forEach((partition) -> times.put(partition, since));
		Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, REQUEST_TIMEOUT);
		for (TopicPartition partition : events) {
			OffsetAndTimestamp offset = offsets.get(partition);
			if (offset != null) {
				consumer.seek(partition, offset.offset());
			}
			else {
				consumer.seekToEnd(List.of(partition));
			}
		}
		log.info("revocation view following {} ({} partitions, from the beginning) and {} ({} partitions, from {})",
				this.validFromTopic, validFrom.size(), this.eventsTopic, events.size(), Instant.ofEpochMilli(since));
		Map<TopicPartition, Long> target = null;
		long targetAt = 0;
		long nextCheck = 0;
		while (this.running) {
			for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
				apply(record);
			}
			long now = this.clock.millis();
			if (target == null && now >= nextCheck) {
				nextCheck = now + this.checkIntervalMillis;
				try {
					target = consumer.endOffsets(all, REQUEST_TIMEOUT);
					targetAt = now;
				}
				catch (TimeoutException ex) {
					if (this.reason == null) {
						log.warn("revocation view cannot reach Kafka (requests fail closed once {} ms behind): {}",
								this.maxLagMillis, ex.getMessage());
					}
					this.reason = "Kafka unreachable: " + ex.getMessage();
				}
			}
			if (target != null && reached(consumer, target)) {
				if (this.caughtUpAt == NEVER || this.reason != null) {
					log.info("revocation view caught up: {} cutoffs from {} records", this.cutoffs.size(), records());
				}
				this.caughtUpAt = targetAt;
				this.reason = null;
				target = null;
			}
		}
	}

	private static List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, String topic) {
		List<PartitionInfo> infos = consumer.partitionsFor(topic, REQUEST_TIMEOUT);
		if (infos == null || infos.isEmpty()) {
			throw new IllegalStateException("topic " + topic + " does not exist (yet)");
		}
		return infos.stream().map((info) -> new TopicPartition(topic, info.partition())).toList();
	}

	private static boolean reached(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> target) {
		try {
			for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
				if (consumer.position(end.getKey(), REQUEST_TIMEOUT) < end.getValue()) {
					return false;
				}
			}
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
	}

	private void apply(ConsumerRecord<byte[], byte[]> record) {
		this.records.increment();
		if (record.value() == null) {
			return; // a tombstone on the compacted topic: nothing to merge
		}
		try {
			RevocationEvent event = RevocationEventCodec.decode(record.value());
			this.cutoffs.merge(event.key(), event.validFrom().toEpochMilli(), Math::max);
		}
		catch (InvalidRevocationEventException ex) {
			this.invalidRecords.increment();
			log.debug("revocation view skipped {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
					ex.getMessage());
		}
	}

	private void pause(Duration duration) {
		synchronized (this.stopSignal) {
			if (this.running) {
				try {
					this.stopSignal.wait(duration.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.running = false;
				}
			}
		}
	}

	@Override
	public void close() {
		Thread thread;
		synchronized (this) {
			thread = this.thread;
			this.running = false;
		}
		synchronized (this.stopSignal) {
			this.stopSignal.notifyAll();
		}
		Consumer<byte[], byte[]> consumer = this.consumer;
		if (consumer != null) {
			consumer.wakeup();
		}
		if (thread != null) {
			try {
				thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}
}
