package org.revocation.worker.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;

/**
 * Applies a batch of events to Redis with the shared max-merge script, pipelined: one round trip per batch. Throws
 * when Redis did not accept every write, so the caller commits nothing.
 */
@Component
public class CutoffWriter {

	private final RedisClient redis;

	private final CutoffScript script;

	private final Clock clock;

	private final Counter applied;

	private final Timer propagation;

	public CutoffWriter(RedisClient redis, RevocationProperties properties, Clock clock, MeterRegistry meters) {
		this.redis = redis;
		this.script = new CutoffScript(properties.checkKeyLifetime());
		this.clock = clock;
		this.applied = Counter.builder("revocation.events.applied")
			.description("revocation events written to Redis (max-merged)")
			.register(meters);
		this.propagation = Timer.builder("revocation.propagation.delay")
			.description("from the gateway accepting a revocation to its cutoff written in Redis")
			.publishPercentileHistogram()
			.register(meters);
	}

	/**
	 * What a batch changed: the events that moved their user's durable cutoff forward, and whether the view was
	 * complete (the marker present) right after the writes, so that those cutoffs are known to be each user's maximum.
	 */
	public record Applied(List<RevocationEvent> moved, boolean viewComplete) {
	}

	/**
	 * Writes every event's cutoff.
	 * @param recordDelay whether to record the propagation delay (not during a rebuild of old events)
	 */
	public Applied apply(List<RevocationEvent> events, boolean recordDelay) {
		if (events.isEmpty()) {
			return new Applied(List.of(), false);
		}
		Instant now = this.clock.instant();
		List<Response<Object>> responses = new ArrayList<>(events.size());
		Response<Boolean> marker;
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			for (RevocationEvent event : events) {
				responses.add(pipeline.eval(CutoffScript.SOURCE, this.script.keys(event.tenantId(), event.userId()),
						this.script.args(event.validFrom(), now)));
			}
			marker = pipeline.exists(RedisKeys.VIEW_COMPLETE_MARKER);
			pipeline.sync();
		}
		List<RevocationEvent> moved = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			if (Long.valueOf(1L).equals(responses.get(i).get())) { // get() rethrows a failed write
				moved.add(events.get(i));
			}
		}
		this.applied.increment(events.size());
		if (recordDelay) {
			Instant written = this.clock.instant();
			for (RevocationEvent event : events) {
				Duration delay = Duration.between(event.acceptedAt(), written);
				this.propagation.record(delay.isNegative() ? Duration.ZERO : delay);
			}
		}
		return new Applied(moved, Boolean.TRUE.equals(marker.get()));
	}
}
