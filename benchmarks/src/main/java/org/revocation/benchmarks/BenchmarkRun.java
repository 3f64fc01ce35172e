package org.revocation.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The benchmark run behind {@code benchmarks/run.sh}: JMH microbenchmarks and the signing ceiling, then the pipeline,
 * then Keycloak, each driven by the same load generators (throughput: {@link Wrk}; latencies: {@link Load}, Java's
 * HttpClient timestamping each request; 127.0.0.1 only, bounded in requests and time), every figure repeated (three
 * times by default), and the report written to {@code docs/benchmarks.md} with its plots. System properties:
 * {@code bench.reps} (3), {@code bench.seconds} per throughput repetition (8), {@code bench.warmUpSeconds} per
 * throughput figure (20: the services' JIT is still compiling long after start on 2 cores), {@code bench.maxSessions}
 * (100000), {@code bench.keycloakMaxSessions} (10000), {@code bench.skipKeycloak}, {@code bench.noWrk},
 * {@code bench.throughputOnly}, {@code bench.scaleOnly}, {@code bench.skipScale}.
 */
public final class BenchmarkRun {

	static final int REPS = Integer.getInteger("bench.reps", 3);

	static final Duration SECONDS = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));

	static final int MAX_SESSIONS = Integer.getInteger("bench.maxSessions", 100_000);

	static final int KEYCLOAK_MAX_SESSIONS = Integer.getInteger("bench.keycloakMaxSessions", 10_000);

	static final int CALLERS = 32;

	/** Connections (callers) for revocations accepted per second, and the users they revoke in turn. */
	static final int REVOKE_CONNECTIONS = 64;

	static final int REVOKE_USERS = 256;

	static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warmUpSeconds", 20));

	/** wrk warms each figure in windows of this length until two consecutive ones agree (issue 17). */
	static final Duration WARM_WINDOW = Duration.ofSeconds(Integer.getInteger("bench.warmWindowSeconds", 5));

	static final int WARM_MAX_WINDOWS = Integer.getInteger("bench.warmMaxWindows", 12);

	static final double WARM_AGREEMENT = 0.05;

	/** Revocations per {@code $batch} request (Graph's limit). */
	static final int BATCH_SIZE = 20;

	/** Only the throughput figures (a quick look while tuning; the report then lacks the other sections). */
	static final boolean THROUGHPUT_ONLY = Boolean.getBoolean("bench.throughputOnly");

	/** Only the scale figures (a quick look at the topologies; the report then lacks the other sections). */
	static final boolean SCALE_ONLY = Boolean.getBoolean("bench.scaleOnly");

	/** A pause after setting up sessions, before a revocation is timed. */
	static final Duration SETTLE = Duration.ofSeconds(2);

	/** Throughput with wrk when it is installed (benchmarks/run.sh installs it where it can). */
	static final boolean WRK = !Boolean.getBoolean("bench.noWrk") && Wrk.available();

	/** Revocations followed by refresh probes per second of offered load (at 1,000/s: every 10th). */
	static final int PROBES_PER_SECOND = 100;

	/** The topologies of the scale figures (issue 16): name, cluster topology or not, number of workers. */
	static final List<Object[]> SCALE = List.of(new Object[] { "single-node, 1 worker", false, 1 },
			new Object[] { "cluster, 1 worker", true, 1 }, new Object[] { "cluster, 3 workers", true, 3 });

	/** Revocations per repetition of the scale figures' propagation, at {@link #SCALE_RATE} per second. */
	static final int SCALE_PROPAGATION = 300;

	static final int SCALE_RATE = 100;

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
		results.notes.put("wrk", Wrk.version());
		log("throughput generator: " + (WRK ? Wrk.version() : "Java HttpClient (wrk not installed)"));
		if (SCALE_ONLY) {
			scale(root, work, results);
			Report.write(root, results);
			return;
		}
		if (!THROUGHPUT_ONLY) {
			jmh(results);
		}
		try (Ours ours = new Ours(root, work)) {
			int users = CALLERS + REVOKE_USERS + REPS * sum(OURS_PROPAGATION) + 8;
			log("pipeline: starting with " + users + " benchmark users");
			ours.createUsers(users);
			measure(ours, results, OURS_PROPAGATION, new int[] { 1, 100, 10_000, MAX_SESSIONS }, false);
			if (!THROUGHPUT_ONLY) {
				kafkaLatency(ours, results);
				redisMemory(ours, results);
				workerHistogram(ours, results);
			}
		}
		if (!Boolean.getBoolean("bench.skipKeycloak")) {
			Path java = newestJava();
			try (Keycloak keycloak = new Keycloak(root.resolve("benchmarks/target/keycloak"), java)) {
				log("Keycloak: starting on " + java);
				keycloak.start(work.resolve("keycloak.log"));
				int users = CALLERS + REVOKE_USERS + REPS * sum(KEYCLOAK_PROPAGATION) + 8;
				keycloak.createUsers(users);
				measure(keycloak, results, KEYCLOAK_PROPAGATION, new int[] { 1, 100, 1_000, KEYCLOAK_MAX_SESSIONS }, true);
			}
		}
		if (!THROUGHPUT_ONLY && !Boolean.getBoolean("bench.skipScale")) {
			scale(root, work, results);
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
		List<String> revokeUsers = new ArrayList<>();
		for (int i = 0; i < REVOKE_USERS; i++) {
			revokeUsers.add(peer.userId(next + i));
		}
		next += REVOKE_USERS;
		if (WRK) {
			throughputWithWrk(peer, results, sessions, revokeUsers);
		}
		else {
			throughputWithHttpClient(peer, results, sessions, revokeUsers);
		}
		if (THROUGHPUT_ONLY) {
			return;
		}
		for (int rep = 0; rep < REPS; rep++) {
			for (int[] offered : propagation) {
				int rate = offered[0];
				int count = offered[1];
				int first = next;
				next += count;
				log(name + ": propagation at " + rate + "/s, repetition " + (rep + 1) + " (" + count + " sessions)");
				propagation(peer, results, rate, count, first);
			}
		}
		for (int held : java.util.stream.IntStream.of(sessionLevels).distinct().toArray()) {
			int user = next++;
			for (int rep = 0; rep < REPS; rep++) {
				if (rep == 0 || freshSessionsPerRepetition) {
					log(name + ": " + held + " sessions for one user, repetition " + (rep + 1));
					Load.parallel(CALLERS, held, (i) -> peer.signIn(user));
				}
				Thread.sleep(SETTLE.toMillis()); // the sign-ins' load (and the GC and JIT it caused) must not be timed
				// Keycloak: one logout per repetition (a second one would find no session); the pipeline's revocation
				// does not depend on what the user holds, so the median of a few calls keeps the machine's noise out
				int calls = freshSessionsPerRepetition ? 1 : 5;
				List<Double> times = new ArrayList<>();
				for (int call = 0; call < calls; call++) {
					long sent = System.nanoTime();
					Web.Answer revoked = peer.revoke(peer.userId(user));
					if (revoked.status() / 100 == 2) {
						times.add((System.nanoTime() - sent) / 1e6);
					}
				}
				if (!times.isEmpty()) {
					java.util.Collections.sort(times);
					results.add(name, "revoke ms with " + held + " sessions", times.get(times.size() / 2));
				}
			}
		}
		peer.rssKb().forEach((process, kb) -> results.add(name, "RSS MB at the end " + process, kb / 1024.0));
	}

	/**
	 * The scale figures (issue 16): each topology of {@link #SCALE} started fresh, one after the other in this run,
	 * with the same users and loads: revocations/s (single requests and {@code $batch}, wrk after warm-up) and the
	 * propagation delay at {@link #SCALE_RATE}/s. A topology that fails to start is reported, not fatal.
	 */
	private static void scale(Path root, Path work, Results results) throws Exception {
		for (Object[] topology : SCALE) {
			if (!((String) topology[0]).contains(System.getProperty("bench.scaleFilter", ""))) {
				continue;
			}
			String name = "scale: " + topology[0];
			try (Ours ours = new Ours(root, work.resolve("scale-" + SCALE.indexOf(topology)), name, (Boolean) topology[1],
					(Integer) topology[2])) {
				log(name + ": starting");
				long starting = System.nanoTime();
				ours.createUsers(REVOKE_USERS + REPS * SCALE_PROPAGATION + 8);
				results.add(name, "start to healthy s", (System.nanoTime() - starting) / 1e9);
				List<String> revokeUsers = new ArrayList<>();
				for (int i = 0; i < REVOKE_USERS; i++) {
					revokeUsers.add(ours.userId(i));
				}
				int next = REVOKE_USERS;
				if (WRK) {
					Path wrkWork = Files.createTempDirectory("wrk-");
					Wrk.Call single = ours.revokeCall(revokeUsers);
					Wrk.Call batch = ours.batchRevokeCall(revokeUsers, BATCH_SIZE);
					warm(results, name, "revocations/s", single, REVOKE_CONNECTIONS, wrkWork);
					warm(results, name, "$batch requests/s", batch, REVOKE_CONNECTIONS, wrkWork);
					for (int rep = 0; rep < REPS; rep++) {
						log(name + ": revocations (wrk), repetition " + (rep + 1));
						wrk(results, name, "revocations/s", Wrk.run(single, REVOKE_CONNECTIONS, SECONDS, wrkWork));
						Wrk.Outcome batches = Wrk.run(batch, REVOKE_CONNECTIONS, SECONDS, wrkWork);
						wrk(results, name, "$batch requests/s", batches);
						results.add(name, "revocations/s through $batch", batches.okPerSecond() * BATCH_SIZE);
					}
				}
				for (int rep = 0; rep < REPS; rep++) {
					log(name + ": propagation at " + SCALE_RATE + "/s, repetition " + (rep + 1));
					propagation(ours, results, SCALE_RATE, SCALE_PROPAGATION, next);
					next += SCALE_PROPAGATION;
				}
			}
			catch (Exception | AssertionError ex) {
				log(name + ": failed: " + ex);
				results.notes.put("scale failure " + topology[0], String.valueOf(ex.getMessage()));
			}
		}
	}

	/**
	 * Revokes {@code count} freshly signed-in users at {@code rate} per second (open loop) and follows every
	 * {@code rate / PROBES_PER_SECOND}-th revocation with refreshes of the old session until one is refused.
	 */
	private static void propagation(Peer peer, Results results, int rate, int count, int first) throws Exception {
		String name = peer.name();
		List<Peer.Session> victims = Load.parallel(16, count, (i) -> peer.signIn(first + i));
		List<Long> revokeLatency = java.util.Collections.synchronizedList(new ArrayList<>());
		java.util.concurrent.atomic.AtomicLong honoured = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicLong others = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicReference<String> lastOther = new java.util.concurrent.atomic.AtomicReference<>();
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
				else {
					// neither honoured nor refused (a 503 failing closed, say): the probe tries again; counted
					others.incrementAndGet();
					lastOther.set(refresh.status() + " " + refresh.body());
				}
			}
			return -2L;
		});
		List<Long> ok = delays.stream().filter((d) -> d >= 0).toList();
		results.add(name, "propagation " + rate + "/s refreshes honoured after the 200", honoured.get());
		results.add(name, "propagation " + rate + "/s refreshes neither honoured nor refused", others.get());
		if (lastOther.get() != null) {
			log(name + ": a probe's refresh neither honoured nor refused: " + lastOther.get());
		}
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

	/** Throughput with wrk (PERFORMANCE.md: the generator must not be the bottleneck), 2xx answers per second. */
	private static void throughputWithWrk(Peer peer, Results results, List<Peer.Session> sessions,
			List<String> revokeUsers) throws Exception {
		String name = peer.name();
		Path work = Files.createTempDirectory("wrk-");
		Wrk.Call batch = peer.batchRevokeCall(revokeUsers, BATCH_SIZE);
		log(name + ": warm-up (wrk) until two consecutive " + WARM_WINDOW.toSeconds() + " s windows agree within "
				+ Math.round(WARM_AGREEMENT * 100) + " %");
		warm(results, name, "refresh/s", peer.refreshCall(sessions), CALLERS, work);
		warm(results, name, "introspection/s", peer.introspectCall(sessions), CALLERS, work);
		warm(results, name, "client_credentials/s", peer.clientCredentialsCall(), CALLERS, work);
		warm(results, name, "revocations/s", peer.revokeCall(revokeUsers), REVOKE_CONNECTIONS, work);
		if (batch != null) {
			warm(results, name, "$batch requests/s", batch, REVOKE_CONNECTIONS, work);
		}
		for (int rep = 0; rep < REPS; rep++) {
			log(name + ": throughput (wrk), repetition " + (rep + 1));
			wrk(results, name, "refresh/s", Wrk.run(peer.refreshCall(sessions), CALLERS, SECONDS, work));
			wrk(results, name, "introspection/s", Wrk.run(peer.introspectCall(sessions), CALLERS, SECONDS, work));
			wrk(results, name, "client_credentials/s", Wrk.run(peer.clientCredentialsCall(), CALLERS, SECONDS, work));
			Map<String, Double> before = ProcessCpu.snapshot(peer.pids());
			Wrk.Outcome revocations = Wrk.run(peer.revokeCall(revokeUsers), REVOKE_CONNECTIONS, SECONDS, work);
			cpuPerRevocation(results, name, "", before, ProcessCpu.snapshot(peer.pids()),
					revocations.okPerSecond() * SECONDS.toSeconds());
			wrk(results, name, "revocations/s", revocations);
			if (batch != null) {
				before = ProcessCpu.snapshot(peer.pids());
				Wrk.Outcome batches = Wrk.run(batch, REVOKE_CONNECTIONS, SECONDS, work);
				double revoked = batches.okPerSecond() * BATCH_SIZE;
				cpuPerRevocation(results, name, " ($batch)", before, ProcessCpu.snapshot(peer.pids()),
						revoked * SECONDS.toSeconds());
				wrk(results, name, "$batch requests/s", batches);
				results.add(name, "revocations/s through $batch", revoked);
			}
			peer.rssKb().forEach((process, kb) -> results.add(name, "RSS MB under load " + process, kb / 1024.0));
		}
	}

	/**
	 * Warms one figure until two consecutive windows agree within {@link #WARM_AGREEMENT} (at most
	 * {@link #WARM_MAX_WINDOWS} windows), so that no figure is measured while the JIT is still compiling; the windows
	 * are reported.
	 */
	private static void warm(Results results, String name, String figure, Wrk.Call call, int connections, Path work)
			throws Exception {
		double previous = Double.NaN;
		List<String> windows = new ArrayList<>();
		for (int window = 1; window <= WARM_MAX_WINDOWS; window++) {
			double rate = Wrk.run(call, connections, WARM_WINDOW, work).okPerSecond();
			windows.add(String.format("%.0f", rate));
			if (!Double.isNaN(previous) && previous > 0 && Math.abs(rate - previous) / previous <= WARM_AGREEMENT) {
				results.add(name, figure + " warm-up windows", window);
				results.notes.put("warm-up " + name + " " + figure, String.join(" → ", windows) + " (agreed)");
				log(name + ": " + figure + " warm after " + window + " windows: " + String.join(" → ", windows));
				return;
			}
			previous = rate;
		}
		results.add(name, figure + " warm-up windows", WARM_MAX_WINDOWS);
		results.notes.put("warm-up " + name + " " + figure, String.join(" → ", windows) + " (never agreed)");
		log(name + ": " + figure + " did not settle in " + WARM_MAX_WINDOWS + " windows: " + String.join(" → ", windows));
	}

	/** CPU milliseconds per revocation of each process over a measurement, from /proc/<pid>/stat, and their sum. */
	private static void cpuPerRevocation(Results results, String name, String suffix, Map<String, Double> before,
			Map<String, Double> after, double revocations) {
		if (revocations <= 0) {
			return;
		}
		double total = 0;
		for (Map.Entry<String, Double> process : after.entrySet()) {
			Double start = before.get(process.getKey());
			if (start == null || start < 0 || process.getValue() < 0) {
				continue;
			}
			double perRevocation = (process.getValue() - start) / revocations;
			total += perRevocation;
			results.add(name, "CPU ms per revocation" + suffix + " " + process.getKey(), perRevocation);
		}
		results.add(name, "CPU ms per revocation" + suffix + " (all processes)", total);
	}

	private static void wrk(Results results, String name, String figure, Wrk.Outcome outcome) {
		log(String.format("%s: %s %.0f (requests %d, non-2xx %d, socket errors %d, p50 %.1f ms, p99 %.1f ms)", name,
				figure, outcome.okPerSecond(), outcome.requests(), outcome.non2xx(), outcome.socketErrors(),
				outcome.p50Millis(), outcome.p99Millis()));
		results.add(name, figure, outcome.okPerSecond());
		results.add(name, figure + " p99 ms", outcome.p99Millis());
		results.add(name, figure + " failed answers", outcome.non2xx() + outcome.socketErrors());
	}

	/** The fall-back where wrk is missing: Java's HttpClient on the same cores (it caps the figures). */
	private static void throughputWithHttpClient(Peer peer, Results results, List<Peer.Session> sessions,
			List<String> revokeUsers) throws Exception {
		String name = peer.name();
		log(name + ": warm-up");
		Load.closedLoop(CALLERS, WARM_UP, (c) -> peer.refresh(sessions.get(c).refreshToken()).status() == 200);
		Load.closedLoop(CALLERS, WARM_UP, (c) -> isActive(peer.introspect(sessions.get(c).accessToken())));
		Load.closedLoop(CALLERS, WARM_UP, (c) -> peer.clientCredentials().status() == 200);
		for (int rep = 0; rep < REPS; rep++) {
			log(name + ": throughput, repetition " + (rep + 1));
			results.add(name, "refresh/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> peer.refresh(sessions.get(c).refreshToken()).status() == 200));
			results.add(name, "introspection/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> isActive(peer.introspect(sessions.get(c).accessToken()))));
			results.add(name, "client_credentials/s", Load.closedLoop(CALLERS, SECONDS,
					(c) -> peer.clientCredentials().status() == 200));
			results.add(name, "revocations/s", Load.closedLoop(REVOKE_CONNECTIONS, SECONDS,
					(c) -> peer.revoke(revokeUsers.get(c % revokeUsers.size())).status() / 100 == 2));
		}
	}

	private static boolean isActive(Web.Answer introspection) {
		return introspection.status() == 200 && introspection.body().contains("\"active\":true");
	}

	/**
	 * Kafka's own end-to-end latency on the same broker, in the same run: {@code org.apache.kafka.tools.EndToEndLatency}
	 * (one 200-byte record at a time, acks=all, produce → consume), the floor under a revocation's round trip.
	 */
	private static void kafkaLatency(Ours ours, Results results) throws Exception {
		String javaCommand = ProcessHandle.current().info().command().orElse("java");
		for (int rep = 0; rep < REPS; rep++) {
			log("Kafka EndToEndLatency, repetition " + (rep + 1));
			Process process = new ProcessBuilder(javaCommand, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
					"org.apache.kafka.tools.EndToEndLatency", "--bootstrap-server",
					ours.system().kafka.bootstrapServers(), "--topic", "bench-end-to-end-latency", "--num-records",
					"3000", "--producer-acks", "all", "--record-size", "200").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			process.waitFor(120, TimeUnit.SECONDS);
			java.util.regex.Matcher avg = java.util.regex.Pattern.compile("Avg latency: ([\\d.]+) ms").matcher(output);
			java.util.regex.Matcher pct = java.util.regex.Pattern
				.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)").matcher(output);
			if (!avg.find() || !pct.find()) {
				log("EndToEndLatency printed no figures:\n" + output);
				continue;
			}
			results.add("Kafka", "EndToEndLatency avg ms", Double.parseDouble(avg.group(1)));
			results.add("Kafka", "EndToEndLatency p50 ms", Double.parseDouble(pct.group(1)));
			results.add("Kafka", "EndToEndLatency p99 ms", Double.parseDouble(pct.group(2)));
			results.add("Kafka", "EndToEndLatency p99.9 ms", Double.parseDouble(pct.group(3)));
		}
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
			long memoryBefore = usedMemory(redis);
			List<String> revoked = new ArrayList<>(users);
			Instant now = Instant.now();
			for (int i = 0; i < users; i++) {
				String user = UUID.randomUUID().toString();
				revoked.add(user);
				RevocationEvent event = RevocationEvent.accepted(Ours.CONTOSO, user, now.plusMillis(i),
						Actor.application(Ours.DAEMON), "bench-" + i, "bench-" + i);
				producer.send(new ProducerRecord<>("revocation-events", event.key(), RevocationEventCodec.encode(event)));
			}
			producer.flush();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
			while (missing(redis, revoked) > 0 && System.nanoTime() < deadline) {
				Thread.sleep(500);
			}
			long memoryAfter = usedMemory(redis);
			results.add("pipeline", "Redis bytes per revoked user (INFO used_memory)",
					(memoryAfter - memoryBefore) / (double) users);
			RedisKeys.Slot slot = RedisKeys.cutoff(Ours.CONTOSO, revoked.get(0));
			long bucket = redis.memoryUsage(slot.key());
			long entries = redis.hlen(slot.key());
			results.add("pipeline", "Redis bytes, MEMORY USAGE of one bucket", bucket);
			results.add("pipeline", "Redis users in that bucket", entries);
			results.add("pipeline", "Redis bucket encoding compact (1 = yes)",
					redis.objectEncoding(slot.key()).matches("ziplist|listpack") ? 1 : 0);
		}
	}

	/** How many of these users' cutoffs are not in Redis yet (pipelined HGETs). */
	private static long missing(Jedis redis, List<String> users) {
		redis.clients.jedis.Pipeline pipeline = redis.pipelined();
		List<redis.clients.jedis.Response<String>> values = new ArrayList<>(users.size());
		for (String user : users) {
			RedisKeys.Slot slot = RedisKeys.cutoff(Ours.CONTOSO, user);
			values.add(pipeline.hget(slot.key(), slot.field()));
		}
		pipeline.sync();
		return values.stream().filter((value) -> value.get() == null).count();
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
		int cores = Runtime.getRuntime().availableProcessors();
		for (RunResult run : new Runner(new OptionsBuilder().include(SigningCeiling.class.getName())
			.forks(1)
			.threads(cores)
			.warmupIterations(2)
			.warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
			.measurementIterations(3)
			.measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(3))
			.build()).run()) {
			results.add("JMH", "RS256 signatures/s on " + cores + " cores (signing ceiling)",
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
