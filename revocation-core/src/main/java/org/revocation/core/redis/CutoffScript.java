package org.revocation.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import redis.clients.jedis.UnifiedJedis;

/**
 * The atomic max-merge of a cutoff ({@code max-merge-cutoff.lua} beside this class). The only way a cutoff is written.
 *
 * @see RedisKeys
 */
public final class CutoffScript {

	/** The Lua source. */
	public static final String SOURCE = load();

	private final Duration checkKeyLifetime;

	/**
	 * @param checkKeyLifetime how long after a cutoff its check key lives: the longest session or refresh-token
	 * lifetime plus the clock-skew allowance
	 */
	public CutoffScript(Duration checkKeyLifetime) {
		Objects.requireNonNull(checkKeyLifetime, "checkKeyLifetime cannot be null");
		this.checkKeyLifetime = checkKeyLifetime;
	}

	public List<String> keys(String tenantId, String userId) {
		return List.of(RedisKeys.cutoffKey(tenantId, userId), RedisKeys.validFromKey(tenantId, userId));
	}

	public List<String> args(Instant cutoff, Instant now) {
		return List.of(Long.toString(cutoff.toEpochMilli()), Long.toString(this.checkKeyLifetime.toMillis()),
				Long.toString(now.toEpochMilli()));
	}

	/** Runs the script once (not pipelined); returns whether the durable cutoff moved forward. */
	public boolean apply(UnifiedJedis redis, String tenantId, String userId, Instant cutoff, Instant now) {
		Object moved = redis.eval(SOURCE, keys(tenantId, userId), args(cutoff, now));
		return Long.valueOf(1L).equals(moved);
	}

	private static String load() {
		try (InputStream in = CutoffScript.class.getResourceAsStream("max-merge-cutoff.lua")) {
			return new String(Objects.requireNonNull(in, "max-merge-cutoff.lua missing").readAllBytes(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
