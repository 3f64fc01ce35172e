package org.revocation.gateway.revoke;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.AppliedOffsets;
import org.revocation.core.redis.RedisKeys;
import org.revocation.gateway.config.GatewayProperties;

/**
 * "In force when the 200 arrives" (DESIGN.md section 2): after the broker's ack a revocation waits until the worker
 * applied its record, at most {@code gateway.in-force-timeout}. The worker pushes, per partition, the highest offset
 * whose cutoff is in Redis ({@link AppliedOffsets}, read by {@link AppliedOffsetsConsumer}); a waiter completes once the
 * watermark of its ack's partition reaches its ack's offset. Waiters hold no thread: they are futures in a per-partition
 * ordered set. A slow poll ({@code gateway.in-force-poll-interval}) is the safety net for a missed announcement: it
 * reads the watermark hash, and the cutoff of each waiter that has already waited one interval (so that a worker that
 * announces nothing still completes them). Past the bound a request still gets its 200 (the event is durable) and is
 * counted as late.
 */
@Component
public class InForceWaiter implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(InForceWaiter.class);

	private static final Comparator<Waiter> BY_OFFSET = Comparator.comparingLong(Waiter::offset)
		.thenComparingLong(Waiter::sequence);

	private final UnifiedJedis redis;

	private final Duration timeout;

	private final Duration pollInterval;

	private final String watermarkKey;

	private final boolean readsCutoffs;

	private final Counter late;

	private final Timer wait;

	private final ConcurrentMap<Integer, ConcurrentSkipListSet<Waiter>> waiting = new ConcurrentHashMap<>();

	private final ConcurrentMap<Integer, Long> watermarks = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong count = new AtomicLong();

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
		Thread thread = new Thread(runnable, "in-force-timer");
		thread.setDaemon(true);
		return thread;
	});

	@Autowired
	InForceWaiter(UnifiedJedis redis, GatewayProperties properties, RevocationProperties revocation,
			MeterRegistry meters) {
		this(redis, properties.inForceTimeout(), properties.inForcePollInterval(),
				AppliedOffsets.redisKeyOf(revocation.topic()), !revocation.redis().cluster(), meters);
	}

	InForceWaiter(UnifiedJedis redis, Duration timeout, Duration pollInterval, String watermarkKey,
			MeterRegistry meters) {
		this(redis, timeout, pollInterval, watermarkKey, true, meters);
	}

	/**
	 * @param readsCutoffs whether the safety net may also take a user's cutoff read from Redis as "applied": true on a
	 * single Redis; false on Redis Cluster, where a master may hold a cutoff no replica has yet (DESIGN.md section
	 * 3.4, "applied means replicated"), so only the worker's watermarks (announced after its {@code WAIT}) count
	 */
	InForceWaiter(UnifiedJedis redis, Duration timeout, Duration pollInterval, String watermarkKey,
			boolean readsCutoffs, MeterRegistry meters) {
		this.redis = redis;
		this.readsCutoffs = readsCutoffs;
		this.timeout = timeout;
		this.pollInterval = pollInterval;
		this.watermarkKey = watermarkKey;
		this.late = Counter.builder("gateway.revocations.late")
			.description("revocations answered 200 after the in-force bound without seeing the worker's write")
			.register(meters);
		this.wait = Timer.builder("gateway.revocations.in.force.wait")
			.description("from the broker's ack to the worker's announcement that the cutoff is in Redis")
			.publishPercentileHistogram()
			.register(meters);
		Gauge.builder("gateway.revocations.waiting", this.count, AtomicLong::get)
			.description("revocations acknowledged by Kafka, waiting to be in force")
			.register(meters);
		this.timer.setRemoveOnCancelPolicy(true);
		this.timer.scheduleWithFixedDelay(this::poll, this.pollInterval.toMillis(), this.pollInterval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Completes with true once the record at {@code partition} / {@code offset} (its producer ack) was applied, or false
	 * when the bound passed first.
	 */
	CompletableFuture<Boolean> awaitInForce(String tenantId, String userId, Instant cutoff, String requestId,
			int partition, long offset) {
		Waiter waiter = new Waiter(partition, offset, this.sequence.incrementAndGet(), RedisKeys.cutoff(tenantId, userId),
				cutoff.toEpochMilli(), System.nanoTime(), requestId, new CompletableFuture<>());
		ConcurrentSkipListSet<Waiter> set = this.waiting.computeIfAbsent(partition,
				(p) -> new ConcurrentSkipListSet<>(BY_OFFSET));
		set.add(waiter);
		this.count.incrementAndGet();
		waiter.timeout = this.timer.schedule(() -> expire(set, waiter), this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		// the announcement may have arrived before the waiter did
		if (this.watermarks.getOrDefault(partition, -1L) >= offset) {
			release(partition);
		}
		return waiter.result();
	}

	/** The worker applied every record of {@code partition} up to {@code offset}. */
	void applied(int partition, long offset) {
		if (partition < 0 || offset < 0) {
			return;
		}
		this.watermarks.merge(partition, offset, Math::max);
		release(partition);
	}

	private void release(int partition) {
		ConcurrentSkipListSet<Waiter> set = this.waiting.get(partition);
		long watermark = this.watermarks.getOrDefault(partition, -1L);
		if (set == null) {
			return;
		}
		Waiter first;
		while ((first = firstOrNull(set)) != null && first.offset() <= watermark) {
			complete(set, first);
		}
	}

	private static Waiter firstOrNull(ConcurrentSkipListSet<Waiter> set) {
		try {
			return set.first();
		}
		catch (java.util.NoSuchElementException ex) {
			return null;
		}
	}

	private void complete(ConcurrentSkipListSet<Waiter> set, Waiter waiter) {
		if (set.remove(waiter)) {
			this.count.decrementAndGet();
			ScheduledFuture<?> timeout = waiter.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
			this.wait.record(System.nanoTime() - waiter.startedNanos(), TimeUnit.NANOSECONDS);
			waiter.result().complete(true);
		}
	}

	private void expire(ConcurrentSkipListSet<Waiter> set, Waiter waiter) {
		if (set.remove(waiter)) {
			this.count.decrementAndGet();
			this.late.increment();
			log.warn("revocation answered late: not applied after {} request-id={} partition={} offset={}", this.timeout,
					waiter.requestId(), waiter.partition(), waiter.offset());
			waiter.result().complete(false);
		}
	}

	/** The safety net: the watermark hash, then the cutoffs of the waiters that have waited one interval already. */
	void poll() {
		try {
			Map<String, String> hash = this.redis.hgetAll(this.watermarkKey);
			hash.forEach((partition, offset) -> {
				try {
					applied(Integer.parseInt(partition), Long.parseLong(offset));
				}
				catch (NumberFormatException ex) {
					// not ours: ignored
				}
			});
			if (!this.readsCutoffs) {
				return;
			}
			List<Waiter> old = new ArrayList<>();
			long before = System.nanoTime() - this.pollInterval.toNanos();
			for (ConcurrentSkipListSet<Waiter> set : this.waiting.values()) {
				for (Waiter waiter : set) {
					if (waiter.startedNanos() - before <= 0) {
						old.add(waiter);
					}
				}
			}
			if (old.isEmpty()) {
				return;
			}
			List<Response<String>> values = new ArrayList<>(old.size());
			try (AbstractPipeline pipeline = this.redis.pipelined()) {
				for (Waiter waiter : old) {
					values.add(pipeline.hget(waiter.slot().key(), waiter.slot().field()));
				}
				pipeline.sync();
			}
			for (int i = 0; i < old.size(); i++) {
				Waiter waiter = old.get(i);
				if (isVisible(values.get(i), waiter.cutoffMillis())) {
					complete(this.waiting.get(waiter.partition()), waiter);
				}
			}
		}
		catch (JedisException ex) {
			log.debug("in-force safety-net poll failed: {}", ex.toString());
		}
		catch (RuntimeException ex) {
			log.warn("in-force safety-net poll failed", ex);
		}
	}

	private static boolean isVisible(Response<String> value, long cutoffMillis) {
		try {
			String millis = value.get();
			return millis != null && Long.parseLong(millis) >= cutoffMillis;
		}
		catch (JedisException | NumberFormatException | IllegalStateException ex) {
			// IllegalStateException: a Redis Cluster pipeline leaves the replies of a node it could not reach unset
			return false;
		}
	}

	/** Revocations acknowledged and waiting to be in force. */
	long waiting() {
		return this.count.get();
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

	private static final class Waiter {

		private final int partition;

		private final long offset;

		private final long sequence;

		private final RedisKeys.Slot slot;

		private final long cutoffMillis;

		private final long startedNanos;

		private final String requestId;

		private final CompletableFuture<Boolean> result;

		volatile ScheduledFuture<?> timeout;

		Waiter(int partition, long offset, long sequence, RedisKeys.Slot slot, long cutoffMillis, long startedNanos,
				String requestId, CompletableFuture<Boolean> result) {
			this.partition = partition;
			this.offset = offset;
			this.sequence = sequence;
			this.slot = slot;
			this.cutoffMillis = cutoffMillis;
			this.startedNanos = startedNanos;
			this.requestId = requestId;
			this.result = result;
		}

		int partition() {
			return this.partition;
		}

		long offset() {
			return this.offset;
		}

		long sequence() {
			return this.sequence;
		}

		RedisKeys.Slot slot() {
			return this.slot;
		}

		long cutoffMillis() {
			return this.cutoffMillis;
		}

		long startedNanos() {
			return this.startedNanos;
		}

		String requestId() {
			return this.requestId;
		}

		CompletableFuture<Boolean> result() {
			return this.result;
		}
	}
}
