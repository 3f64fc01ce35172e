package org.revocation.gateway.revoke;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.redis.RedisKeys;
import org.revocation.gateway.config.GatewayProperties;

/**
 * "In force when the 200 arrives" (DESIGN.md section 2): after the broker's ack a revocation waits until the worker's
 * write of its cutoff is visible in Redis, at most {@code gateway.in-force-timeout}. Waiting requests hold no thread:
 * they are asynchronous, and one ticker reads the durable keys of every waiting request in one pipelined round trip
 * every {@value #TICK_MILLIS} ms. Past the bound a request still gets its 200 (the event is durable) and is counted
 * as late.
 */
@Component
class InForceWaiter implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(InForceWaiter.class);

	static final long TICK_MILLIS = 2;

	private final UnifiedJedis redis;

	private final Duration timeout;

	private final Counter late;

	private final Timer wait;

	private final ConcurrentLinkedQueue<Waiter> arriving = new ConcurrentLinkedQueue<>();

	private final List<Waiter> waiting = new ArrayList<>();

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "in-force-waiter");
		thread.setDaemon(true);
		return thread;
	});

	InForceWaiter(UnifiedJedis redis, GatewayProperties properties, MeterRegistry meters) {
		this.redis = redis;
		this.timeout = properties.inForceTimeout();
		this.late = Counter.builder("gateway.revocations.late")
			.description("revocations answered 200 after the in-force bound without seeing the worker's write")
			.register(meters);
		this.wait = Timer.builder("gateway.revocations.in.force.wait")
			.description("from the broker's ack to the cutoff visible in Redis")
			.publishPercentileHistogram()
			.register(meters);
		this.ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
	}

	/** Completes with true once the cutoff is visible, or false when the bound passed first. */
	CompletableFuture<Boolean> awaitInForce(String tenantId, String userId, Instant cutoff, String requestId) {
		long now = System.nanoTime();
		Waiter waiter = new Waiter(RedisKeys.cutoff(tenantId, userId), cutoff.toEpochMilli(), now,
				now + this.timeout.toNanos(), requestId, new CompletableFuture<>());
		this.arriving.add(waiter);
		return waiter.result();
	}

	private void tick() {
		Waiter arrived;
		while ((arrived = this.arriving.poll()) != null) {
			this.waiting.add(arrived);
		}
		if (this.waiting.isEmpty()) {
			return;
		}
		List<Response<String>> values = new ArrayList<>(this.waiting.size());
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			for (Waiter waiter : this.waiting) {
				values.add(pipeline.hget(waiter.slot().key(), waiter.slot().field()));
			}
			pipeline.sync();
		}
		catch (JedisException ex) {
			values = null; // Redis unreachable: nothing is visible; waiters time out and are answered late
		}
		long now = System.nanoTime();
		List<Waiter> still = new ArrayList<>(this.waiting.size());
		for (int i = 0; i < this.waiting.size(); i++) {
			Waiter waiter = this.waiting.get(i);
			if (values != null && isVisible(values.get(i), waiter.cutoffMillis())) {
				this.wait.record(now - waiter.startedNanos(), TimeUnit.NANOSECONDS);
				waiter.result().complete(true);
			}
			else if (now - waiter.deadlineNanos() >= 0) {
				this.late.increment();
				log.warn("revocation answered late: cutoff not visible after {} request-id={} key={}", this.timeout,
						waiter.requestId(), waiter.slot());
				waiter.result().complete(false);
			}
			else {
				still.add(waiter);
			}
		}
		this.waiting.clear();
		this.waiting.addAll(still);
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

	@Override
	public void destroy() {
		this.ticker.shutdownNow();
	}

	private record Waiter(RedisKeys.Slot slot, long cutoffMillis, long startedNanos, long deadlineNanos, String requestId,
			CompletableFuture<Boolean> result) {
	}
}
