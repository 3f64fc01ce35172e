package org.revocation.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * The whole system as separate processes on random free loopback ports: a Kafka broker (KRaft), a Redis server, one or
 * more token-checkers (http and https, sharing their key files), one or more revocation-workers (one consumer group)
 * and one or more api-gateways, from the jars the reactor just built. {@link #cluster} gives the highly-available
 * topology instead: three Kafka brokers ({@link LocalKafkaCluster}, topics RF 3, min ISR 2) and a Redis Cluster of
 * three masters with a replica each ({@link LocalRedisCluster}).
 */
public final class LocalSystem implements AutoCloseable {

	public static final Duration START = Duration.ofSeconds(120);

	public static final Duration IN_FORCE_TIMEOUT = Duration.ofSeconds(2);

	public final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	public final Path work;

	/** The broker (single topology); null on a cluster. */
	public final LocalKafka kafka;

	/** The Redis server (single topology); null on a cluster. */
	public final LocalRedis redis;

	/** The three brokers (cluster topology); null otherwise. */
	public final LocalKafkaCluster kafkaCluster;

	/** The Redis Cluster (cluster topology); null otherwise. */
	public final LocalRedisCluster redisCluster;

	public final int gatewayCount;

	public final List<ServiceProcess> gateways = new ArrayList<>();

	public final Path tls;

	public final int tokenCheckerPort = Ports.free();

	public final int tokenCheckerHttpsPort = Ports.free();

	public final int workerCount;

	public final int tokenCheckerCount;

	public final List<ServiceProcess> tokenCheckers = new ArrayList<>();

	public final List<Integer> tokenCheckerHttpsPorts = new ArrayList<>();

	public final List<ServiceProcess> workers = new ArrayList<>();

	private final Map<String, String> environment;

	public final int gatewayPort = Ports.free();

	public final List<ServiceProcess> services = new ArrayList<>();

	public ServiceProcess tokenChecker;

	public ServiceProcess worker;

	public ServiceProcess gateway;

	public LocalSystem() {
		this(1, 1);
	}

	public LocalSystem(int workers, int tokenCheckers) {
		this(workers, tokenCheckers, Map.of());
	}

	/**
	 * @param environment variables given to every service on top of the system's own (for example
	 * {@code DIRECTORY_FILE})
	 */
	public LocalSystem(int workers, int tokenCheckers, Map<String, String> environment) {
		this(false, workers, tokenCheckers, 1, environment);
	}

	private LocalSystem(boolean cluster, int workers, int tokenCheckers, int gateways, Map<String, String> environment) {
		this.environment = Map.copyOf(environment);
		this.workerCount = workers;
		this.tokenCheckerCount = tokenCheckers;
		this.gatewayCount = gateways;
		try {
			this.work = Files.createTempDirectory("revocation-e2e");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Path kafkaLib = this.root.resolve("local-stack/target/kafka-lib");
		Path redisBinary = LocalRedis.findBinary(this.root.resolve("local-stack/target/redis"));
		if (cluster) {
			this.kafka = null;
			this.redis = null;
			this.kafkaCluster = LocalKafkaCluster.onFreePorts(kafkaLib, this.work.resolve("kafka"));
			List<Integer> redisPorts = new ArrayList<>();
			for (int i = 0; i < LocalRedisCluster.NODES; i++) {
				redisPorts.add(Ports.free());
			}
			this.redisCluster = new LocalRedisCluster(redisBinary, this.work.resolve("redis"), redisPorts);
		}
		else {
			this.kafka = new LocalKafka(kafkaLib, this.work.resolve("kafka"), Ports.free(), Ports.free());
			this.redis = new LocalRedis(redisBinary, this.work.resolve("redis"), Ports.free(), false);
			this.kafkaCluster = null;
			this.redisCluster = null;
		}
		this.tls = LocalTls.ensure(this.work.resolve("tls"));
	}

	/**
	 * The highly-available topology: three brokers, a Redis Cluster (3 masters + 3 replicas), and the given numbers of
	 * service instances.
	 */
	public static LocalSystem cluster(int workers, int tokenCheckers, int gateways, Map<String, String> environment) {
		return new LocalSystem(true, workers, tokenCheckers, gateways, environment);
	}

	public boolean isCluster() {
		return this.kafkaCluster != null;
	}

	public String bootstrapServers() {
		return isCluster() ? this.kafkaCluster.bootstrapServers() : this.kafka.bootstrapServers();
	}

	public LocalSystem start() {
		if (isCluster()) {
			this.kafkaCluster.start();
			this.redisCluster.start();
		}
		else {
			this.kafka.start();
			this.redis.start();
		}
		for (int i = 0; i < this.tokenCheckerCount; i++) {
			int httpsPort = (i == 0) ? this.tokenCheckerHttpsPort : Ports.free();
			this.tokenCheckerHttpsPorts.add(httpsPort);
			this.tokenCheckers.add(service("token-checker", (i == 0) ? this.tokenCheckerPort : Ports.free(), Map.of(
					"HTTPS_PORT", Integer.toString(httpsPort), "SIGNING_KEYS_FILE",
					this.work.resolve("keys/signing-jwks.json").toString(), "ENCRYPTION_KEYS_FILE",
					this.work.resolve("keys/encryption-jwks.json").toString()), i));
			if (i == 0) {
				this.tokenCheckers.get(0).awaitHealthy(START); // it writes the key files the others read
			}
		}
		this.tokenChecker = this.tokenCheckers.get(0);
		for (int i = 0; i < this.workerCount; i++) {
			Map<String, String> topics = isCluster() ? Map.of("TOPIC_PARTITIONS", "3", "TOPIC_REPLICATION_FACTOR", "3",
					"TOPIC_MIN_INSYNC_REPLICAS", "2") : Map.of("TOPIC_PARTITIONS", "3");
			this.workers.add(service("revocation-worker", Ports.free(), topics, i));
			this.workers.get(i).awaitHealthy(START); // the first creates the topics
		}
		this.worker = this.workers.get(0);
		for (int i = 0; i < this.gatewayCount; i++) {
			this.gateways.add(service("api-gateway", (i == 0) ? this.gatewayPort : Ports.free(), Map.of("HTTPS_PORT",
					Integer.toString(Ports.free()), "JWKS_URI",
					"http://127.0.0.1:" + this.tokenCheckerPort + "/common/discovery/v2.0/keys", "IN_FORCE_TIMEOUT",
					IN_FORCE_TIMEOUT.toMillis() + "ms", "CONSOLE_WORKER_METRICS_URI",
					"http://127.0.0.1:" + this.worker.port() + "/actuator/prometheus"), i));
		}
		this.gateway = this.gateways.get(0);
		for (ServiceProcess service : this.services) {
			service.awaitHealthy(START);
		}
		return this;
	}

	private ServiceProcess service(String name, int port, Map<String, String> extra, int index) {
		Map<String, String> env = new HashMap<>();
		env.put("SERVER_PORT", Integer.toString(port));
		env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
		if (isCluster()) {
			env.put("REDIS_CLUSTER_NODES", this.redisCluster.seeds());
		}
		else {
			env.put("REDIS_HOST", "127.0.0.1");
			env.put("REDIS_PORT", Integer.toString(this.redis.port()));
		}
		env.put("TLS_KEYSTORE", this.tls.resolve("keystore.p12").toString());
		env.put("TLS_KEYSTORE_PASSWORD", LocalTls.PASSWORD);
		env.put("ISSUER_BASE_URL", "https://localhost:" + this.tokenCheckerHttpsPort);
		env.put("MALLOC_ARENA_MAX", "2"); // as run-local.sh: fewer glibc arenas, less RSS, nothing lost on 2 cores
		env.putAll(this.environment);
		env.putAll(extra);
		Path jar = this.root.resolve(name + "/target/" + name + "-" + System.getProperty("project.version") + ".jar");
		ServiceProcess service = new ServiceProcess(name, jar, port, env, this.work.resolve("logs/" + name + "-" + index + ".log"))
			.start();
		this.services.add(service);
		return service;
	}

	public String tokenEndpoint(String tenant) {
		return "http://127.0.0.1:" + this.tokenCheckerPort + "/" + tenant + "/oauth2/v2.0/token";
	}

	/** The http base URL of token-checker {@code index}. */
	public String tokenChecker(int index) {
		return "http://127.0.0.1:" + this.tokenCheckers.get(index).port();
	}

	/** The https authority of token-checker {@code index} for a tenant, as MSAL wants it. */
	public String authority(int index, String tenant) {
		return "https://localhost:" + this.tokenCheckerHttpsPorts.get(index) + "/" + tenant + "/";
	}

	public String gatewayMetrics() {
		return "http://127.0.0.1:" + this.gatewayPort + "/actuator/prometheus";
	}

	public String graph() {
		return "http://127.0.0.1:" + this.gatewayPort + "/v1.0";
	}

	/** The Graph base URL of gateway {@code index}. */
	public String graph(int index) {
		return "http://127.0.0.1:" + this.gateways.get(index).port() + "/v1.0";
	}

	/** The Prometheus scrape URL of gateway {@code index}. */
	public String gatewayMetrics(int index) {
		return "http://127.0.0.1:" + this.gateways.get(index).port() + "/actuator/prometheus";
	}

	@Override
	public void close() {
		for (int i = this.services.size() - 1; i >= 0; i--) {
			this.services.get(i).stop();
		}
		if (isCluster()) {
			this.redisCluster.close();
			this.kafkaCluster.close();
		}
		else {
			this.redis.stop();
			this.kafka.stop();
		}
		if (!Boolean.getBoolean("e2e.keepLogs")) {
			try (var paths = Files.walk(this.work)) {
				paths.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
			catch (IOException ex) {
				// best effort: the directory is under the system temp directory
			}
		}
	}
}
