package org.revocation.tokenchecker.session;

import java.time.Duration;

import org.springframework.stereotype.Component;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.revocation.core.redis.CutoffUnavailableException;
import org.revocation.core.redis.RedisKeys;
import org.revocation.tokenchecker.config.TokenCheckerProperties;

/**
 * Smart lockout, shared by every replica through Redis: after {@code lockout.threshold} wrong passwords for a user
 * within {@code lockout.duration}, password sign-ins of that user are refused (AADSTS50053) until the window ends.
 * The counter's key expires with the window, so a locked user unlocks without anyone's help.
 */
@Component
public class Lockout {

	private final UnifiedJedis redis;

	private final int threshold;

	private final Duration duration;

	public Lockout(UnifiedJedis redis, TokenCheckerProperties properties) {
		this.redis = redis;
		this.threshold = properties.lockout().threshold();
		this.duration = properties.lockout().duration();
	}

	public boolean isLocked(String tenantId, String userId) {
		try {
			String failures = this.redis.get(key(tenantId, userId));
			return failures != null && Long.parseLong(failures) >= this.threshold;
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("cannot read the lockout counter: " + ex.getMessage(), ex);
		}
	}

	/** Counts a wrong password; true when this failure locked the account. */
	public boolean recordFailure(String tenantId, String userId) {
		try {
			String key = key(tenantId, userId);
			long failures = this.redis.incr(key);
			if (failures == 1) {
				this.redis.pexpire(key, this.duration.toMillis());
			}
			return failures >= this.threshold;
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("cannot count the failed sign-in: " + ex.getMessage(), ex);
		}
	}

	public void reset(String tenantId, String userId) {
		try {
			this.redis.del(key(tenantId, userId));
		}
		catch (JedisException ex) {
			// the counter expires on its own
		}
	}

	private static String key(String tenantId, String userId) {
		return RedisKeys.userKey("rsv:lock", tenantId, userId);
	}
}
