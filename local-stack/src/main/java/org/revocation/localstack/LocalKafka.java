package org.revocation.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka broker (KRaft, combined broker and controller) as its own JVM, from the jars this module copies out of
 * Maven Central into {@code local-stack/target/kafka-lib} (INFRA.md section 2). Its data directory survives a kill and
 * a restart.
 */
public final class LocalKafka {

	private final Path libDir;

	private final Path dir;

	private final int port;

	private final int controllerPort;

	private final int nodeId;

	private final String voters;

	private final String clusterId;

	private final int replication;

	private ManagedProcess process;

	public LocalKafka(Path libDir, Path dir, int port, int controllerPort) {
		this(libDir, dir, port, controllerPort, 1, "1@127.0.0.1:" + controllerPort, clusterId(), 1);
	}

	/**
	 * A node of a cluster (see {@link LocalKafkaCluster}).
	 * @param voters {@code controller.quorum.voters}, the same on every node
	 * @param clusterId the same on every node
	 * @param replication the replication factor of internal topics and the default one; {@code min.insync.replicas}
	 * is one less (at least 1)
	 */
	public LocalKafka(Path libDir, Path dir, int port, int controllerPort, int nodeId, String voters, String clusterId,
			int replication) {
		this.libDir = libDir;
		this.dir = dir;
		this.port = port;
		this.controllerPort = controllerPort;
		this.nodeId = nodeId;
		this.voters = voters;
		this.clusterId = clusterId;
		this.replication = replication;
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** Formats the storage once, then starts the broker and waits until it serves. */
	public LocalKafka start() {
		launch();
		awaitStarted();
		return this;
	}

	/** Formats the storage once and starts the broker's JVM, without waiting (a cluster starts its nodes together). */
	public LocalKafka launch() {
		try {
			Files.createDirectories(this.dir);
			Path properties = this.dir.resolve("server.properties");
			Files.writeString(properties, serverProperties());
			if (!Files.exists(this.dir.resolve("data").resolve("meta.properties"))) {
				ManagedProcess format = new ManagedProcess("kafka-format",
						List.of(java(), "-cp", this.libDir + "/*", "kafka.tools.StorageTool", "format", "-t", this.clusterId,
								"-c", properties.toString(), "--ignore-formatted"),
						Map.of(), this.dir.resolve("format.log"))
					.start();
				format.awaitReady(Duration.ofSeconds(60), () -> !format.isAlive());
			}
			this.process = new ManagedProcess("kafka", List.of(java(), "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
					"-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", this.libDir + "/*", "kafka.Kafka",
					properties.toString()), Map.of(), this.dir.resolve("broker.log"))
				.start();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until the launched broker serves. */
	public void awaitStarted() {
		this.process.awaitReady(Duration.ofSeconds(90),
				() -> this.process.log().contains("Kafka Server started") && Ports.isOpen(this.port));
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	public int nodeId() {
		return this.nodeId;
	}

	public void kill() {
		this.process.kill();
	}

	public void stop() {
		if (this.process != null) {
			this.process.stop(Duration.ofSeconds(20));
		}
	}

	public ManagedProcess process() {
		return this.process;
	}

	private String serverProperties() {
		int minIsr = Math.max(1, this.replication - 1);
		return String.join("\n", "process.roles=broker,controller", "node.id=" + this.nodeId,
				"controller.quorum.voters=" + this.voters,
				"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + this.controllerPort,
				"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
				"inter.broker.listener.name=PLAINTEXT",
				"listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
				"log.dirs=" + this.dir.resolve("data").toAbsolutePath(), "num.partitions=1",
				"default.replication.factor=" + this.replication, "min.insync.replicas=" + minIsr,
				"offsets.topic.replication.factor=" + this.replication,
				"transaction.state.log.replication.factor=" + this.replication, "transaction.state.log.min.isr=" + minIsr,
				"share.coordinator.state.topic.replication.factor=" + this.replication,
				"share.coordinator.state.topic.min.isr=" + minIsr, "group.initial.rebalance.delay.ms=0",
				"auto.create.topics.enable=false",
				"broker.session.timeout.ms=3000", "broker.heartbeat.interval.ms=500", "") ;
	}

	/** A random cluster id; never one starting with '-', which the format command would read as an option. */
	static String clusterId() {
		SecureRandom random = new SecureRandom();
		String id;
		do {
			byte[] bytes = new byte[16];
			random.nextBytes(bytes);
			bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
			id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}
		while (id.startsWith("-"));
		return id;
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}
}
