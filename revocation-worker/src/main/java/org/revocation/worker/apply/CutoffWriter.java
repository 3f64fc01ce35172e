package org.revocation.worker.apply;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;

/**
 * Applies a batch of events to Redis with the shared max-merge script, pipelined: one round trip per batch, each write
 * an {@code EVALSHA} of the same script (loaded again when Redis answers {@code NOSCRIPT}, after a restart). Throws
 * when Redis did not accept every write, so the caller commits nothing.
 */
@Component
public class CutoffWriter {

	private static final Logger log = LoggerFactory.getLogger(CutoffWriter.class);

	private final RedisClient redis;

	private final CutoffScript script;

	private final Clock clock;

	private final Counter applied;

	private final Timer propagation;

	private final String sha = sha1(CutoffScript.SOURCE);

	public CutoffWriter(RedisClient redis, Clock clock, MeterRegistry meters) {
		this.redis = redis;
		this.script = new CutoffScript();
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
	 * What Redis holds after a batch: the events of the batch whose cutoff is now their user's durable cutoff (one per
	 * user, whether this batch moved it or an earlier write of the same event did), and whether the view was complete
	 * (the marker present) right after the writes, so that those cutoffs are known to be each user's maximum.
	 */
	public record Applied(List<RevocationEvent> latest, boolean viewComplete) {
	}

	/**
	 * Writes every event's cutoff; throws when Redis did not accept every write. Counts nothing: the caller calls
	 * {@link #recordApplied} once the batch is done (a batch retried while the view is incomplete is written again).
	 */
	public Applied apply(List<RevocationEvent> events) {
		if (events.isEmpty()) {
			return new Applied(List.of(), false);
		}
		try {
			return write(events);
		}
		catch (JedisDataException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			// Redis restarted (or SCRIPT FLUSH): load the script and write the whole batch again (max-merge is idempotent)
			String loaded = this.redis.scriptLoad(CutoffScript.SOURCE);
			log.info("max-merge script not cached by Redis (restarted or flushed): loaded sha={}", loaded);
			return write(events);
		}
	}

	/**
	 * Counts a batch that is done in {@code revocation.events.applied}.
	 * @param recordDelay whether to record the propagation delay (not during a rebuild of old events)
	 */
	public void recordApplied(List<RevocationEvent> events, boolean recordDelay) {
		this.applied.increment(events.size());
		if (recordDelay) {
			Instant written = this.clock.instant();
			for (RevocationEvent event : events) {
				Duration delay = Duration.between(event.acceptedAt(), written);
				this.propagation.record(delay.isNegative() ? Duration.ZERO : delay);
			}
		}
	}

	private Applied write(List<RevocationEvent> events) {
		List<Response<Object>> writes = new ArrayList<>(events.size());
		List<Response<String>> durable = new ArrayList<>(events.size());
		Response<Boolean> marker;
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			for (RevocationEvent event : events) {
				writes.add(pipeline.evalsha(this.sha, this.script.keys(event.tenantId(), event.userId()),
						this.script.args(event.tenantId(), event.userId(), event.validFrom())));
			}
			for (RevocationEvent event : events) {
				RedisKeys.Slot slot = RedisKeys.cutoff(event.tenantId(), event.userId());
				durable.add(pipeline.hget(slot.key(), slot.field()));
			}
			marker = pipeline.exists(RedisKeys.VIEW_COMPLETE_MARKER);
			pipeline.sync();
		}
		Map<String, RevocationEvent> latest = new LinkedHashMap<>();
		for (int i = 0; i < events.size(); i++) {
			writes.get(i).get(); // rethrows a failed write
			RevocationEvent event = events.get(i);
			if (Long.toString(event.validFrom().toEpochMilli()).equals(durable.get(i).get())) {
				latest.putIfAbsent(event.key(), event);
			}
		}
		return new Applied(List.copyOf(latest.values()), Boolean.TRUE.equals(marker.get()));
	}

	private static boolean isNoScript(JedisDataException ex) {
		return ex instanceof JedisNoScriptException || (ex.getMessage() != null && ex.getMessage().startsWith("NOSCRIPT"));
	}

	private static String sha1(String source) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 unavailable", ex);
		}
	}
}
