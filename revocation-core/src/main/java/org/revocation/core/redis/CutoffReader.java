package org.revocation.core.redis;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads a user's cutoff for a check, in one round trip that also reads the view-complete marker.
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
		List<String> values;
		try {
			values = this.redis.mget(RedisKeys.VIEW_COMPLETE_MARKER, RedisKeys.cutoffKey(tenantId, userId));
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("Redis unreachable: " + ex.getMessage(), ex);
		}
		if (values.get(0) == null) {
			throw new CutoffUnavailableException("revocation view incomplete (rebuild in progress)");
		}
		return parse(values.get(1));
	}

	/**
	 * The user's latest cutoff for ever (the Graph property), empty if never revoked.
	 * @throws CutoffUnavailableException when Redis cannot be read
	 */
	public Optional<Instant> validFrom(String tenantId, String userId) {
		try {
			return parse(this.redis.get(RedisKeys.validFromKey(tenantId, userId)));
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("Redis unreachable: " + ex.getMessage(), ex);
		}
	}

	private static Optional<Instant> parse(String millis) {
		return (millis != null) ? Optional.of(Instant.ofEpochMilli(Long.parseLong(millis))) : Optional.empty();
	}
}
