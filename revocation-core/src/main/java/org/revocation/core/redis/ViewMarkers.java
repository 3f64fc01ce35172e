package org.revocation.core.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The completeness markers of the view, one per group ({@link RedisKeys#marker(int)}), read and written pipelined
 * (on a cluster the pipeline goes to each shard once).
 */
public final class ViewMarkers {

	private ViewMarkers() {
	}

	/** The groups whose marker is missing (empty when the whole view is complete). */
	public static Set<Integer> missing(UnifiedJedis redis) {
		List<Response<Boolean>> present = new ArrayList<>(RedisKeys.GROUPS);
		try (AbstractPipeline pipeline = redis.pipelined()) {
			for (int group = 0; group < RedisKeys.GROUPS; group++) {
				present.add(pipeline.exists(RedisKeys.marker(group)));
			}
			pipeline.sync();
		}
		Set<Integer> missing = new TreeSet<>();
		try {
			for (int group = 0; group < RedisKeys.GROUPS; group++) {
				if (!Boolean.TRUE.equals(present.get(group).get())) {
					missing.add(group);
				}
			}
		}
		catch (IllegalStateException ex) {
			// a cluster pipeline logs a node's connection error and leaves that node's replies unset
			throw new JedisConnectionException("a Redis node did not answer: " + ex.getMessage(), ex);
		}
		return missing;
	}

	/** Whether every group is complete. */
	public static boolean complete(UnifiedJedis redis) {
		return missing(redis).isEmpty();
	}

	/** Sets every group's marker (tests, and a Redis known to hold the whole log). */
	public static void markComplete(UnifiedJedis redis) {
		mark(redis, allGroups(), Long.toString(System.currentTimeMillis()));
	}

	/** Deletes every group's marker, as a Redis that lost its data (tests). */
	public static void clear(UnifiedJedis redis) {
		try (AbstractPipeline pipeline = redis.pipelined()) {
			for (int group = 0; group < RedisKeys.GROUPS; group++) {
				pipeline.del(RedisKeys.marker(group));
			}
			pipeline.sync();
		}
	}

	static void mark(UnifiedJedis redis, Collection<Integer> groups, String value) {
		try (AbstractPipeline pipeline = redis.pipelined()) {
			for (int group : groups) {
				pipeline.set(RedisKeys.marker(group), value);
			}
			pipeline.sync();
		}
	}

	public static List<Integer> allGroups() {
		List<Integer> all = new ArrayList<>(RedisKeys.GROUPS);
		for (int group = 0; group < RedisKeys.GROUPS; group++) {
			all.add(group);
		}
		return all;
	}
}
