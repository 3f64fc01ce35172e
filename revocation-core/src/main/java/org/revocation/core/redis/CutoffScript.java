package org.revocation.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

	public List<String> keys(String tenantId, String userId) {
		return List.of(RedisKeys.cutoff(tenantId, userId).key());
	}

	public List<String> args(String tenantId, String userId, Instant cutoff) {
		return List.of(RedisKeys.cutoff(tenantId, userId).field(), Long.toString(cutoff.toEpochMilli()));
	}

	/** Runs the script once (not pipelined); returns whether the user's cutoff moved forward. */
	public boolean apply(UnifiedJedis redis, String tenantId, String userId, Instant cutoff) {
		Object moved = redis.eval(SOURCE, keys(tenantId, userId), args(tenantId, userId, cutoff));
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
