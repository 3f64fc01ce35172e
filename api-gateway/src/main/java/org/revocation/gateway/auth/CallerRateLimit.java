package org.revocation.gateway.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import org.revocation.gateway.config.GatewayProperties;
import org.revocation.gateway.graph.GraphException;

/**
 * Graph's throttling (graph-contract.md section 2.3) for this gateway: a token bucket per caller, in memory (each
 * gateway instance limits what it serves). A request over the limit is answered 429 {@code TooManyRequests} with
 * {@code Retry-After} in whole seconds, before anything is published.
 */
@Component
public class CallerRateLimit {

	private static final int MAX_CALLERS = 100_000;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final GatewayProperties.RateLimit limit;

	private final Clock clock;

	private final Counter throttled;

	public CallerRateLimit(GatewayProperties properties, Clock clock, MeterRegistry meters) {
		this.limit = properties.rateLimit();
		this.clock = clock;
		this.throttled = Counter.builder("gateway.requests.throttled")
			.description("Requests answered 429 by the per-caller rate limit")
			.register(meters);
	}

	/** Takes one token from the caller's bucket, or throws the Graph 429. */
	public void acquire(Caller caller) {
		if (!this.limit.enabled()) {
			return;
		}
		if (this.buckets.size() > MAX_CALLERS) {
			this.buckets.clear(); // bounded memory: forgetting every bucket only ever lets callers through
		}
		String key = caller.tenantId() + "/" + caller.clientId() + "/" + (caller.delegated() ? caller.objectId() : "");
		Bucket bucket = this.buckets.computeIfAbsent(key, (k) -> new Bucket(this.limit.burst(), nanos()));
		double waitSeconds = bucket.take(nanos(), this.limit.requestsPerSecond(), this.limit.burst());
		if (waitSeconds > 0) {
			this.throttled.increment();
			throw new GraphException(HttpStatus.TOO_MANY_REQUESTS, "TooManyRequests", "Please retry again later.",
					Map.of("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(waitSeconds)))));
		}
	}

	private long nanos() {
		return this.clock.millis() * 1_000_000L;
	}

	private static final class Bucket {

		private double tokens;

		private long updated;

		Bucket(double tokens, long now) {
			this.tokens = tokens;
			this.updated = now;
		}

		/** 0 when a token was taken, else how many seconds until one is there. */
		synchronized double take(long now, double perSecond, double capacity) {
			if (now > this.updated) {
				this.tokens = Math.min(capacity, this.tokens + (now - this.updated) / 1e9 * perSecond);
				this.updated = now;
			}
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return 0;
			}
			return (1 - this.tokens) / perSecond;
		}
	}
}
