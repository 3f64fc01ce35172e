package org.revocation.core.redis;

import java.time.Duration;
import java.util.Set;

import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster client (Jedis' cluster executor: MOVED/ASK followed, retried within a bound) that also exposes what
 * the worker needs to make a write count only once a replica has it: the master of a slot and a connection pinned to
 * it, because {@code WAIT} counts only the writes of the connection it is sent on (INFRA.md section 9).
 */
public final class ClusterRedis extends UnifiedJedis {

	private final ClusterConnectionProvider nodes;

	private ClusterRedis(ClusterConnectionProvider nodes, int maxAttempts, Duration maxRetries) {
		super(nodes, maxAttempts, maxRetries);
		this.nodes = nodes;
	}

	public static ClusterRedis create(Set<HostAndPort> seeds, JedisClientConfig config, int maxAttempts,
			Duration maxRetries) {
		return new ClusterRedis(new ClusterConnectionProvider(seeds, config), maxAttempts, maxRetries);
	}

	/** A pipeline that groups its commands by shard (one round trip per shard). */
	@Override
	public ClusterPipeline pipelined() {
		return new ClusterPipeline(this.nodes);
	}

	public static int slotOf(String key) {
		return JedisClusterCRC16.getSlot(key);
	}

	/** The master serving a slot, as this client last learned the topology. */
	public HostAndPort masterOf(int slot) {
		return this.nodes.getNode(slot);
	}

	/** A pooled connection to a node (close it to give it back). */
	public Connection connection(HostAndPort node) {
		return this.nodes.getConnection(node);
	}

	/** Learns the topology again (after a MOVED or a failover seen on a pinned connection). */
	public void renewSlotCache() {
		this.nodes.renewSlotCache();
	}

	/** Parses {@code host:port,host:port}. */
	public static Set<HostAndPort> parseNodes(String nodes) {
		java.util.LinkedHashSet<HostAndPort> seeds = new java.util.LinkedHashSet<>();
		for (String node : nodes.split(",")) {
			String trimmed = node.trim();
			if (!trimmed.isEmpty()) {
				seeds.add(HostAndPort.from(trimmed));
			}
		}
		if (seeds.isEmpty()) {
			throw new IllegalArgumentException("no Redis Cluster node in '" + nodes + "'");
		}
		return seeds;
	}
}
