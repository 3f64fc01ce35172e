package org.revocation.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system in containers on one network, started once per test JVM and shared by the container suites:
 * Kafka (KRaft), Redis and the three services, each built from its Dockerfile with this build's jar. Images are named
 * by their official names; Testcontainers' substitution ({@link LocalImageSubstitutor}) picks the offline builds where
 * there is no registry. The host reaches the services only through ports published on 127.0.0.1.
 * <p>
 * Redis keeps nothing on disk here (no AOF, no snapshot), so that killing and starting its container is "Redis
 * restarted empty" of DESIGN.md section 4.
 */
final class ContainerizedSystem {

	static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

	private static ContainerizedSystem instance;

	final Network network = Network.newNetwork();

	final GenericContainer<?> kafka;

	final GenericContainer<?> redis;

	final GenericContainer<?> tokenChecker;

	final GenericContainer<?> worker;

	final GenericContainer<?> gateway;

	private ContainerizedSystem() {
		this.kafka = new GenericContainer<>(DockerImageName.parse("apache/kafka:4.2.1")).withNetwork(this.network)
			.withNetworkAliases("kafka")
			.withEnv(Map.ofEntries(Map.entry("KAFKA_NODE_ID", "1"),
					Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
					Map.entry("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
					Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092"),
					Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
					Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
					Map.entry("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
					Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093"),
					Map.entry("KAFKA_LOG_DIRS", "/var/lib/kafka/data"),
					Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
					Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
					Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
					Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1"),
					Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1"),
					Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
					Map.entry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"),
					Map.entry("KAFKA_HEAP_OPTS", "-Xms64m -Xmx256m")))
			.waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
		this.redis = new GenericContainer<>(DockerImageName.parse("redis:7")).withNetwork(this.network)
			.withNetworkAliases("redis")
			.withCommand("redis-server", "--save", "", "--appendonly", "no")
			.withExposedPorts(6379)
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
		this.tokenChecker = service("token-checker", 8081).dependsOn(this.redis);
		this.worker = service("revocation-worker", 8082).withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
			.withEnv("MARKER_CHECK_INTERVAL", "500ms")
			.dependsOn(this.kafka, this.redis);
		this.gateway = service("api-gateway", 8080).withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
			.withEnv("JWKS_URI", "http://token-checker:8081/common/discovery/v2.0/keys")
			.withEnv("IN_FORCE_TIMEOUT", "2s")
			.dependsOn(this.kafka, this.redis, this.tokenChecker, this.worker);
	}

	/** The system, started on first use; stopped when the test JVM exits (with or without Ryuk). */
	static synchronized ContainerizedSystem get() {
		if (instance == null) {
			ContainerizedSystem system = new ContainerizedSystem();
			long started = System.nanoTime();
			Startables.deepStart(system.gateway).join();
			System.out.printf("containers: Kafka, Redis and the three services healthy in %.1f s%n",
					(System.nanoTime() - started) / 1e9);
			Runtime.getRuntime().addShutdownHook(new Thread(ContainerizedSystem::stopIfRunning, "containers-stop"));
			instance = system;
		}
		return instance;
	}

	/** Stops the system if it runs (before another full system starts, on a 2-core machine); {@link #get()} starts it anew. */
	static synchronized void stopIfRunning() {
		if (instance != null) {
			instance.stop();
			instance = null;
		}
	}

	String tokenEndpoint() {
		return url(this.tokenChecker, 8081) + "/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token";
	}

	String graph() {
		return url(this.gateway, 8080) + "/v1.0";
	}

	/** SIGKILL, as the kernel's OOM killer or a node failure would. */
	void kill(GenericContainer<?> container) {
		docker().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
	}

	/** Starts a killed container again: the same container, so the same configuration and network alias. */
	void startAgain(GenericContainer<?> container) {
		docker().startContainerCmd(container.getContainerId()).exec();
	}

	void pause(GenericContainer<?> container) {
		docker().pauseContainerCmd(container.getContainerId()).exec();
	}

	void unpause(GenericContainer<?> container) {
		docker().unpauseContainerCmd(container.getContainerId()).exec();
	}

	private void stop() {
		Stream.of(this.gateway, this.worker, this.tokenChecker, this.redis, this.kafka).forEach(GenericContainer::stop);
		this.network.close();
	}

	private GenericContainer<?> service(String name, int port) {
		String baseImage = ImageNameSubstitutor.instance()
			.apply(DockerImageName.parse("eclipse-temurin:17-jre"))
			.asCanonicalNameString();
		Path root = ContainerEngine.ROOT;
		String jar = name + "/target/" + name + "-" + VERSION + ".jar";
		assertThat(root.resolve(jar)).as("built by the reactor before e2e-tests").exists();
		ImageFromDockerfile image = new ImageFromDockerfile("revocation/" + name + ":e2e", false)
			.withFileFromPath("Dockerfile", root.resolve(name + "/Dockerfile"))
			.withFileFromPath(jar, root.resolve(jar))
			.withBuildArg("BASE_IMAGE", baseImage);
		return new GenericContainer<>(image).withNetwork(this.network)
			.withNetworkAliases(name)
			.withEnv("SERVER_PORT", Integer.toString(port))
			.withEnv("REDIS_HOST", "redis")
			.withEnv("REDIS_PORT", "6379")
			.withExposedPorts(port)
			.waitingFor(Wait.forHttp("/actuator/health").forPort(port).withStartupTimeout(Duration.ofMinutes(4)));
	}

	private static String url(GenericContainer<?> container, int port) {
		return "http://" + container.getHost() + ":" + container.getMappedPort(port);
	}

	private static DockerClient docker() {
		return DockerClientFactory.instance().client();
	}
}
