package org.revocation.worker.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.redis.RedisKeys;

/** Redis reachable, and whether the view is complete (the marker). */
@Component("redis")
class RedisHealthIndicator implements HealthIndicator {

	private final RedisClient redis;

	RedisHealthIndicator(RedisClient redis) {
		this.redis = redis;
	}

	@Override
	public Health health() {
		try {
			boolean complete = this.redis.exists(RedisKeys.VIEW_COMPLETE_MARKER);
			return Health.up().withDetail("viewComplete", complete).build();
		}
		catch (JedisException ex) {
			return Health.down().withDetail("error", ex.getClass().getSimpleName()).build();
		}
	}
}
