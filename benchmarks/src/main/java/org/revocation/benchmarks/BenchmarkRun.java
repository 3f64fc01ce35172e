package org.revocation.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import redis.clients.jedis.Jedis;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;

/**
 * The benchmark run behind {@code benchmarks/run.sh}: JMH microbenchmarks, then the pipeline, then Keycloak, each
 * driven by the same load generator ({@link Load}, Java's HttpClient, 127.0.0.1 only, bounded in requests and time),
 * every figure repeated (three times by default), and the report written to {@code docs/benchmarks.md} with its plots.
 * System properties: {@code bench.reps} (3), {@code bench.seconds} per throughput repetition (8),
 * {@code bench.maxSessions} (100000), {@code bench.keycloakMaxSessions} (10000), {@code bench.skipKeycloak}.
 */
public final class BenchmarkRun {

	static final int REPS = Integer.getInteger("bench.reps", 3);

	static final Duration SECONDS = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));

	static final int MAX_SESSIONS = Integer.getInteger("bench.maxSessions", 100_000);

	static final int KEYCLOAK_MAX_SESSIONS = Integer.getInteger("bench.keycloakMaxSessions", 10_000);

	static final int CALLERS = 32;

	/** Revocations followed by refresh probes per second of offered load (at 1,000/s: every 10th). */
	static final int PROBES_PER_SECOND = 100;

	/** Propagation: offered rate → number of revocations per repetition, per system. */
	static final int[][] OURS_PROPAGATION = { { 100, 500 }, { 1_000, 2_000 } };

	static final int[][] KEYCLOAK_PROPAGATION = { { 100, 300 }, { 1_000, 1_000 } };

	private BenchmarkRun() {
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
		Path work = Files.createTempDirectory("benchmarks-");
		Results results = new Results();
		Instant started = Instant.now();
		results.notes.put("started", started.toString());
		jmh(results);
		try (Ours ours = new Ours(root, work)) {
			int users = CALLERS + 4 + REPS * sum(OURS_PROPAGATION) + 8;
			log("pipeline: starting with " + users + " benchmark users");
			ours.createUsers(users);
			measure(ours, results, OURS_PROPAGATION, new int[] { 1, 100, 10_000, MAX_SESSIONS }, false);
			redisMemory(ours, results);
			workerHistogram(ours, results);
		}
		if (!Boolean.getBoolean("bench.skipKeycloak")) {
			Path java = newestJava();
			try (Keycloak keycloak = new Keycloak(root.resolve("benchmarks/target/keycloak"), java)) {
				log("Keycloak: starting on " + java);
				keycloak.start(work.resolve("keycloak.log"));
				int users = CALLERS + 4 + REPS * sum(KEYCLOAK_PROPAGATION) + 8;
				keycloak.createUsers(users);
				measure(keycloak, results, KEYCLOAK_PROPAGATION, new int[] { 1, 100, 1_000, KEYCLOAK_MAX_SESSIONS }, true);
			}
		}
		results.notes.put("duration", Duration.between(started, Instant.now()).toSeconds() + " s");
		Report.write(root, results);
		log("report written to docs/benchmarks.md in " + results.notes.get("duration"));
	}

	private static void measure(Peer peer, Results results, int[][] propagation, int[] sessionLevels,
			boolean freshSessionsPerRepetition) throws Exception {
		String name = peer.name();
		int next = 0;
		List<Peer.Session> sessions = Load.parallel(8, CALLERS, peer::signIn);
		next += CALLERS;
		log(name + ": warm-up");
		Load.closedLoop(CALLERS, Duration.ofSeconds(4), (c) -> peer.refresh(sessions.get(c).refreshToken()).status() == 200);
		Load.closedLoop(CALLERS, Duration.ofSeconds(4), (c) -> isActive(peer.introspect(sessions.get(c).accessToken())));
		Load.closedLoop(CALLERS, Duration.ofSeconds(4), (c) -> peer.clientCredentials().status() == 200);
		for (int rep = 0; rep < REPS; rep++) {
			log(name + ": throughput, repetition " + (rep + 1));
			results.add(name, "refresh/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> peer.refresh(sessions.get(c).refreshToken()).status() == 200));
			results.add(name, "introspection/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> isActive(peer.introspect(sessions.get(c).accessToken()))));
			results.add(name, "client_credentials/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> peer.clientCredentials().status() == 200));
		}
		int revokeUsers = next;
		Random random = new Random(7);
		Load.closedLoop(64, Duration.ofSeconds(4), (c) -> peer.revoke(peer.userId(revokeUsers + c % 4)).status() / 100 == 2);
		for (int rep = 0; rep < REPS; rep++) {
			log(name + ": revocations accepted/s, repetition " + (rep + 1));
			results.add(name, "revocations/s", Load.closedLoop(64, SECONDS, (c) -> {
				int user;
				synchronized (random) {
					user = revokeUsers + random.nextInt(4);
				}
				return peer.revoke(peer.userId(user)).status() / 100 == 2;
			}));
		}
		next += 4;
		for (int rep = 0; rep < REPS; rep++) {
			for (int[] offered : propagation) {
				int rate = offered[0];
				int count = offered[1];
				int first = next;
				next += count;
				log(name + ": propagation at " + rate + "/s, repetition " + (rep + 1) + " (" + count + " sessions)");
				List<Peer.Session> victims = Load.parallel(16, count, (i) -> peer.signIn(first + i));
				List<Long> revokeLatency = java.util.Collections.synchronizedList(new ArrayList<>());
				java.util.concurrent.atomic.AtomicLong honoured = new java.util.concurrent.atomic.AtomicLong();
				int probeEvery = Math.max(1, rate / PROBES_PER_SECOND);
				List<Long> delays = Load.openLoop(rate, count, (i) -> {
					Peer.Session victim = victims.get(i);
					long sent = System.nanoTime();
					Web.Answer revoked = peer.revoke(victim.userId());
					long answered = System.nanoTime();
					if (revoked.status() / 100 != 2) {
						return -1L;
					}
					revokeLatency.add(answered - sent);
					if (i % probeEvery != 0) {
						return -3L; // not probed: the probes' refreshes must not be the load
					}
					long deadline = answered + TimeUnit.SECONDS.toNanos(30);
					while (System.nanoTime() < deadline) {
						Web.Answer refresh = peer.refresh(victim.refreshToken());
						if (peer.isRefused(refresh)) {
							return System.nanoTime() - answered;
						}
						if (refresh.status() == 200) {
							honoured.incrementAndGet();
						}
					}
					return -2L;
				});
				List<Long> ok = delays.stream().filter((d) -> d >= 0).toList();
				results.add(name, "propagation " + rate + "/s refreshes honoured after the 200", honoured.get());
				results.add(name, "propagation " + rate + "/s p50 ms", Load.millis(ok, 0.50));
				results.add(name, "propagation " + rate + "/s p99 ms", Load.millis(ok, 0.99));
				results.add(name, "propagation " + rate + "/s max ms", Load.millis(ok, 1.0));
				results.add(name, "propagation " + rate + "/s failed",
						delays.stream().filter((d) -> d == -1L || d == -2L).count());
				results.add(name, "propagation " + rate + "/s probed", ok.size());
				results.add(name, "revoke call " + rate + "/s p99 ms", Load.millis(revokeLatency, 0.99));
				results.add(name, "revoke call " + rate + "/s max ms", Load.millis(revokeLatency, 1.0));
				results.samples(name, "propagation " + rate + "/s", ok);
			}
		}
		for (int held : java.util.stream.IntStream.of(sessionLevels).distinct().toArray()) {
			int user = next++;
			for (int rep = 0; rep < REPS; rep++) {
				if (rep == 0 || freshSessionsPerRepetition) {
					log(name + ": " + held + " sessions for one user, repetition " + (rep + 1));
					Load.parallel(CALLERS, held, (i) -> peer.signIn(user));
				}
				long sent = System.nanoTime();
				Web.Answer revoked = peer.revoke(peer.userId(user));
				double ms = (System.nanoTime() - sent) / 1e6;
				if (revoked.status() / 100 == 2) {
					results.add(name, "revoke ms with " + held + " sessions", ms);
				}
			}
		}
		peer.rssKb().forEach((process, kb) -> results.add(name, "RSS MB " + process, kb / 1024.0));
	}

	private static boolean isActive(Web.Answer introspection) {
		return introspection.status() == 200 && introspection.body().contains("\"active\":true");
	}

	/** Redis bytes per revoked user: 100,000 revocations of distinct users through Kafka and the worker. */
	private static void redisMemory(Ours ours, Results results) throws Exception {
		int users = 100_000;
		log("pipeline: Redis memory of " + users + " revoked users");
		try (Jedis redis = new Jedis("127.0.0.1", ours.system().redis.port());
				KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
						ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ours.system().kafka.bootstrapServers(),
						ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
						new ByteArraySerializer())) {
			long keysBefore = redis.dbSize();
			long memoryBefore = usedMemory(redis);
			String sample = null;
			Instant now = Instant.now();
			for (int i = 0; i < users; i++) {
				String user = UUID.randomUUID().toString();
				sample = user;
				RevocationEvent event = RevocationEvent.accepted(Ours.CONTOSO, user, now.plusMillis(i),
						Actor.application(Ours.DAEMON), "bench-" + i, "bench-" + i);
				producer.send(new ProducerRecord<>("revocation-events", event.key(), RevocationEventCodec.encode(event)));
			}
			producer.flush();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
			while (redis.dbSize() < keysBefore + 2L * users && System.nanoTime() < deadline) {
				Thread.sleep(200);
			}
			long memoryAfter = usedMemory(redis);
			results.add("pipeline", "Redis bytes per revoked user (INFO used_memory)",
					(memoryAfter - memoryBefore) / (double) users);
			results.add("pipeline", "Redis bytes, MEMORY USAGE of one check key",
					redis.memoryUsage(RedisKeys.cutoffKey(Ours.CONTOSO, sample)));
			results.add("pipeline", "Redis bytes, MEMORY USAGE of one durable key",
					redis.memoryUsage(RedisKeys.validFromKey(Ours.CONTOSO, sample)));
		}
	}

	private static long usedMemory(Jedis redis) {
		for (String line : redis.info("memory").split("\r?\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("no used_memory in INFO memory");
	}

	/** The worker's own propagation-delay histogram (accept at the gateway → cutoff written). */
	private static void workerHistogram(Ours ours, Results results) {
		String metrics = Web.get("http://127.0.0.1:" + ours.system().worker.port() + "/actuator/prometheus").body();
		double count = 0;
		double sum = 0;
		double max = Double.NaN;
		for (String line : metrics.split("\n")) {
			if (line.startsWith("revocation_propagation_delay_seconds_count")) {
				count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
			else if (line.startsWith("revocation_propagation_delay_seconds_sum")) {
				sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
			else if (line.startsWith("revocation_propagation_delay_seconds_max")) {
				max = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		results.add("pipeline", "worker histogram: events", count);
		results.add("pipeline", "worker histogram: mean ms", (count > 0) ? sum / count * 1000 : Double.NaN);
		results.add("pipeline", "worker histogram: max ms (recent window)", max * 1000);
	}

	private static void jmh(Results results) throws Exception {
		log("JMH: hot path");
		for (RunResult run : new Runner(new OptionsBuilder().include(HotPathBenchmarks.class.getName())
			.forks(1)
			.warmupIterations(2)
			.warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
			.measurementIterations(3)
			.measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
			.build()).run()) {
			String benchmark = run.getParams().getBenchmark();
			results.add("JMH", benchmark.substring(benchmark.lastIndexOf('.') + 1) + " ns/op",
					run.getPrimaryResult().getScore());
		}
	}

	private static Path newestJava() throws Exception {
		try (var jvms = Files.list(Path.of("/usr/lib/jvm"))) {
			return jvms.filter((p) -> p.getFileName().toString().startsWith("temurin-"))
				.max(java.util.Comparator.comparing(Path::toString))
				.orElse(Path.of(System.getProperty("java.home")));
		}
	}

	private static int sum(int[][] propagation) {
		int total = 0;
		for (int[] offered : propagation) {
			total += offered[1];
		}
		return total;
	}

	static void log(String line) {
		System.out.println(Instant.now() + " " + line);
	}
}
