package org.revocation.gateway.revoke;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import org.revocation.core.redis.CutoffReader;
import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.gateway.config.GatewayProperties;

/**
 * "In force when the 200 arrives" (DESIGN.md section 2): after the ack, waits until the worker's write of the new
 * cutoff is visible in Redis, at most {@code gateway.in-force-timeout}. Requests run on virtual threads, so a waiting
 * request parks no platform thread. Past the bound the caller still gets 200 (the event is durable) and the late
 * answer is counted.
 */
@Component
class InForceWaiter {

	private static final Logger log = LoggerFactory.getLogger(InForceWaiter.class);

	private final CutoffReader cutoffs;

	private final Duration timeout;

	private final Clock clock;

	private final Counter late;

	private final Timer wait;

	InForceWaiter(CutoffReader cutoffs, GatewayProperties properties, Clock clock, MeterRegistry meters) {
		this.cutoffs = cutoffs;
		this.timeout = properties.inForceTimeout();
		this.clock = clock;
		this.late = Counter.builder("gateway.revocations.late")
			.description("revocations answered 200 after the in-force bound without seeing the worker's write")
			.register(meters);
		this.wait = Timer.builder("gateway.revocations.in.force.wait")
			.description("from the broker's ack to the cutoff visible in Redis")
			.publishPercentileHistogram()
			.register(meters);
	}

	/** Returns true when the cutoff became visible within the bound. */
	boolean awaitInForce(String tenantId, String userId, Instant cutoff, String requestId) {
		long started = System.nanoTime();
		Instant deadline = this.clock.instant().plus(this.timeout);
		long pauseMillis = 1;
		while (true) {
			if (isVisible(tenantId, userId, cutoff)) {
				this.wait.record(Duration.ofNanos(System.nanoTime() - started));
				return true;
			}
			if (!this.clock.instant().isBefore(deadline)) {
				this.late.increment();
				log.warn("revocation answered late: cutoff not visible after {} request-id={} tenant={} user={}",
						this.timeout, requestId, tenantId, userId);
				return false;
			}
			try {
				Thread.sleep(pauseMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			pauseMillis = Math.min(pauseMillis * 2, 20);
		}
	}

	private boolean isVisible(String tenantId, String userId, Instant cutoff) {
		try {
			Optional<Instant> validFrom = this.cutoffs.validFrom(tenantId, userId);
			return validFrom.isPresent() && !validFrom.get().isBefore(cutoff);
		}
		catch (CutoffUnavailableException ex) {
			return false;
		}
	}
}
