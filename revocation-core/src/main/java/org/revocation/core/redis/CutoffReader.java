package org.revocation.core.redis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads a user's cutoff for a check, in one pipelined round trip that also reads the completeness marker of the user's
 * group (same hash slot, so on a cluster both come from the shard that holds the cutoff).
 */
public final class CutoffReader {

	private final UnifiedJedis redis;

	public CutoffReader(UnifiedJedis redis) {
		this.redis = Objects.requireNonNull(redis, "redis cannot be null");
	}

	/**
	 * The cutoff the check must apply: empty when the user has no live cutoff.
	 * @throws CutoffUnavailableException when Redis cannot be read or the view is incomplete
	 */
	public Optional<Instant> cutoff(String tenantId, String userId) {
		RedisKeys.Slot slot = RedisKeys.cutoff(tenantId, userId);
		Boolean complete;
		String cutoff;
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			Response<Boolean> marker = pipeline.exists(slot.marker());
			Response<String> value = pipeline.hget(slot.key(), slot.field());
			pipeline.sync();
			complete = marker.get();
			cutoff = value.get();
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("Redis unreachable: " + ex.getMessage(), ex);
		}
		catch (IllegalStateException ex) {
			// a cluster pipeline logs a node's connection error and leaves that node's replies unset
			throw new CutoffUnavailableException("Redis node unreachable: " + ex.getMessage(), ex);
		}
		if (!Boolean.TRUE.equals(complete)) {
			throw new CutoffUnavailableException("revocation view incomplete for group " + slot.group() + " (rebuild in progress)");
		}
		return parse(cutoff);
	}

	/**
	 * The user's latest cutoff for ever (the Graph property), empty if never revoked.
	 * @throws CutoffUnavailableException when Redis cannot be read
	 */
	public Optional<Instant> validFrom(String tenantId, String userId) {
		try {
			RedisKeys.Slot slot = RedisKeys.cutoff(tenantId, userId);
			return parse(this.redis.hget(slot.key(), slot.field()));
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("Redis unreachable: " + ex.getMessage(), ex);
		}
	}

	private static Optional<Instant> parse(String millis) {
		return (millis != null) ? Optional.of(Instant.ofEpochMilli(Long.parseLong(millis))) : Optional.empty();
	}
}
