package org.revocation.worker.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;

/** Redis reachable, and whether the view is complete (the groups' markers). */
@Component("redis")
class RedisHealthIndicator implements HealthIndicator {

	private final UnifiedJedis redis;

	RedisHealthIndicator(UnifiedJedis redis) {
		this.redis = redis;
	}

	@Override
	public Health health() {
		try {
			int missing = ViewMarkers.missing(this.redis).size();
			return Health.up()
				.withDetail("viewComplete", missing == 0)
				.withDetail("incompleteGroups", missing + "/" + RedisKeys.GROUPS)
				.build();
		}
		catch (JedisException ex) {
			return Health.down().withDetail("error", ex.getClass().getSimpleName()).build();
		}
	}
}
