package org.revocation.worker.apply;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.ClusterRedis;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.redis.RedisKeys;

/**
 * Applies a batch of events to Redis with the shared max-merge script, pipelined: one round trip per batch, each write
 * an {@code EVALSHA} of the same script (loaded again when Redis answers {@code NOSCRIPT}, after a restart). Throws
 * when Redis did not accept every write, so the caller commits nothing. On Redis Cluster a batch is applied only once
 * a replica of every master it wrote to acknowledged the writes ({@code WAIT}); else it throws
 * {@link NotReplicatedException} (counted in {@code revocation.redis.unreplicated}).
 */
@Component
public class CutoffWriter {

	private static final Logger log = LoggerFactory.getLogger(CutoffWriter.class);

	private final UnifiedJedis redis;

	private final Duration replicaWait;

	private final Counter unreplicated;

	private final CutoffScript script;

	private final Clock clock;

	private final Counter applied;

	private final Timer propagation;

	private final String sha = sha1(CutoffScript.SOURCE);

	@Autowired
	public CutoffWriter(UnifiedJedis redis, Clock clock, MeterRegistry meters, RevocationProperties properties) {
		this(redis, clock, meters, properties.redis().replicaWait());
	}

	/**
	 * @param replicaWait on Redis Cluster, the bound of {@code WAIT 1} after a batch's writes on each master
	 */
	public CutoffWriter(UnifiedJedis redis, Clock clock, MeterRegistry meters, Duration replicaWait) {
		this.redis = redis;
		this.replicaWait = replicaWait;
		this.unreplicated = Counter.builder("revocation.redis.unreplicated")
			.description("cutoffs a Redis Cluster master wrote but no replica acknowledged within the bound (WAIT 1 "
					+ "returned 0): their batch was not applied and is written again")
			.register(meters);
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
	public record Applied(List<RevocationEvent> latest, boolean viewComplete, Set<Integer> incompleteGroups) {
	}

	/**
	 * Writes every event's cutoff; throws when Redis did not accept every write. Counts nothing: the caller calls
	 * {@link #recordApplied} once the batch is done (a batch retried while the view is incomplete is written again).
	 */
	public Applied apply(List<RevocationEvent> events) {
		if (events.isEmpty()) {
			return new Applied(List.of(), false, Set.of());
		}
		try {
			return write(events);
		}
		catch (JedisDataException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			// Redis restarted (or SCRIPT FLUSH, or a promoted replica without the script): load the script — on a cluster
			// into every master, script caches are per node — and write the whole batch again (max-merge is idempotent)
			String loaded = loadScript();
			log.info("max-merge script not cached by Redis (restarted, flushed or failed over): loaded sha={}", loaded);
			return write(events);
		}
	}

	private String loadScript() {
		if (this.redis instanceof ClusterRedis cluster) {
			String loaded = null;
			for (int group = 0; group < RedisKeys.GROUPS; group += 1) {
				// one sample key per group covers every master that holds a group
				loaded = cluster.scriptLoad(CutoffScript.SOURCE, RedisKeys.marker(group));
			}
			return loaded;
		}
		return this.redis.scriptLoad(CutoffScript.SOURCE);
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
		if (this.redis instanceof ClusterRedis cluster) {
			return writeReplicated(cluster, events);
		}
		List<Response<Object>> writes = new ArrayList<>(events.size());
		List<Response<String>> durable = new ArrayList<>(events.size());
		Map<Integer, Response<Boolean>> markers = new HashMap<>();
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			append(pipeline, events, writes, durable, markers);
			pipeline.sync();
		}
		return result(events, writes, durable, markers);
	}

	/**
	 * Redis Cluster: per master, one pipeline on a connection pinned to it — the writes, the reads back, the groups'
	 * markers, then {@code WAIT 1 <bound>} on that same connection (WAIT counts only its own connection's writes). The
	 * batch is applied only when every master answered that a replica has its writes; else it throws, so nothing is
	 * committed and the batch is written again.
	 */
	private Applied writeReplicated(ClusterRedis cluster, List<RevocationEvent> events) {
		Map<HostAndPort, List<RevocationEvent>> byMaster = new LinkedHashMap<>();
		for (RevocationEvent event : events) {
			int slot = ClusterRedis.slotOf(RedisKeys.cutoff(event.tenantId(), event.userId()).key());
			HostAndPort master = cluster.masterOf(slot);
			if (master == null) {
				cluster.renewSlotCache();
				throw new JedisClusterException("no master known for slot " + slot + " (failover in progress?)");
			}
			byMaster.computeIfAbsent(master, (m) -> new ArrayList<>()).add(event);
		}
		List<RevocationEvent> ordered = new ArrayList<>(events.size());
		List<Response<Object>> writes = new ArrayList<>(events.size());
		List<Response<String>> durable = new ArrayList<>(events.size());
		Map<Integer, Response<Boolean>> markers = new HashMap<>();
		for (Map.Entry<HostAndPort, List<RevocationEvent>> entry : byMaster.entrySet()) {
			Response<Long> replicas;
			try (Connection connection = cluster.connection(entry.getKey())) {
				Pipeline pipeline = new Pipeline(connection);
				append(pipeline, entry.getValue(), writes, durable, markers);
				replicas = pipeline.waitReplicas(1, this.replicaWait.toMillis());
				pipeline.sync();
			}
			catch (JedisConnectionException ex) {
				cluster.renewSlotCache();
				throw ex;
			}
			ordered.addAll(entry.getValue());
			long acked;
			try {
				for (int i = writes.size() - entry.getValue().size(); i < writes.size(); i++) {
					writes.get(i).get(); // rethrows a failed write (MOVED after a failover, CLUSTERDOWN, NOSCRIPT)
				}
				acked = replicas.get();
			}
			catch (JedisMovedDataException | JedisClusterException ex) {
				cluster.renewSlotCache();
				throw ex;
			}
			if (acked < 1) {
				this.unreplicated.increment(entry.getValue().size());
				log.warn("Redis master {} wrote {} cutoffs but no replica acknowledged them within {} ms: batch not "
						+ "applied, retried", entry.getKey(), entry.getValue().size(), this.replicaWait.toMillis());
				throw new NotReplicatedException(entry.getKey() + ": WAIT 1 " + this.replicaWait.toMillis() + " returned 0");
			}
		}
		return result(ordered, writes, durable, markers);
	}

	private void append(AbstractPipeline pipeline, List<RevocationEvent> events, List<Response<Object>> writes,
			List<Response<String>> durable, Map<Integer, Response<Boolean>> markers) {
		for (RevocationEvent event : events) {
			writes.add(pipeline.evalsha(this.sha, this.script.keys(event.tenantId(), event.userId()),
					this.script.args(event.tenantId(), event.userId(), event.validFrom())));
		}
		for (RevocationEvent event : events) {
			RedisKeys.Slot slot = RedisKeys.cutoff(event.tenantId(), event.userId());
			durable.add(pipeline.hget(slot.key(), slot.field()));
			if (!markers.containsKey(slot.group())) {
				markers.put(slot.group(), pipeline.exists(slot.marker()));
			}
		}
	}

	private static Applied result(List<RevocationEvent> events, List<Response<Object>> writes,
			List<Response<String>> durable, Map<Integer, Response<Boolean>> markers) {
		Map<String, RevocationEvent> latest = new LinkedHashMap<>();
		for (int i = 0; i < events.size(); i++) {
			writes.get(i).get(); // rethrows a failed write
			RevocationEvent event = events.get(i);
			if (Long.toString(event.validFrom().toEpochMilli()).equals(durable.get(i).get())) {
				latest.putIfAbsent(event.key(), event);
			}
		}
		Set<Integer> incomplete = new TreeSet<>();
		markers.forEach((group, present) -> {
			if (!Boolean.TRUE.equals(present.get())) {
				incomplete.add(group);
			}
		});
		return new Applied(List.copyOf(latest.values()), incomplete.isEmpty(), incomplete);
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
