package org.revocation.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Three Kafka brokers (KRaft, combined broker and controller: a three-voter quorum) as their own JVMs on loopback, with
 * replication factor 3 and {@code min.insync.replicas=2} for internal topics (INFRA.md section 9), beside
 * {@link LocalKafka}. {@code broker.session.timeout.ms=3000}, so a killed broker's partitions move in about 3 s.
 * Topics of the system are created by the worker with {@code TOPIC_REPLICATION_FACTOR=3},
 * {@code TOPIC_MIN_INSYNC_REPLICAS=2}.
 */
public final class LocalKafkaCluster implements AutoCloseable {

	public static final int BROKERS = 3;

	private final List<LocalKafka> brokers = new ArrayList<>();

	/** Brokers on the given ports (and controller ports), data under {@code dir/broker-N}. */
	public LocalKafkaCluster(Path libDir, Path dir, List<Integer> ports, List<Integer> controllerPorts) {
		String voters = "";
		for (int i = 0; i < BROKERS; i++) {
			voters += ((i > 0) ? "," : "") + (i + 1) + "@127.0.0.1:" + controllerPorts.get(i);
		}
		String clusterId = LocalKafka.clusterId();
		for (int i = 0; i < BROKERS; i++) {
			this.brokers.add(new LocalKafka(libDir, dir.resolve("broker-" + (i + 1)), ports.get(i),
					controllerPorts.get(i), i + 1, voters, clusterId, BROKERS));
		}
	}

	/** Three brokers on random free ports. */
	public static LocalKafkaCluster onFreePorts(Path libDir, Path dir) {
		List<Integer> ports = new ArrayList<>();
		List<Integer> controllers = new ArrayList<>();
		for (int i = 0; i < BROKERS; i++) {
			ports.add(Ports.free());
			controllers.add(Ports.free());
		}
		return new LocalKafkaCluster(libDir, dir, ports, controllers);
	}

	/** Starts the three together (a quorum needs two to elect a leader), then waits until each serves. */
	public LocalKafkaCluster start() {
		this.brokers.forEach(LocalKafka::launch);
		this.brokers.forEach(LocalKafka::awaitStarted);
		return this;
	}

	public String bootstrapServers() {
		return this.brokers.stream().map(LocalKafka::bootstrapServers).collect(Collectors.joining(","));
	}

	public List<LocalKafka> brokers() {
		return this.brokers;
	}

	/** The broker with this {@code node.id} (1–3). */
	public LocalKafka broker(int nodeId) {
		return this.brokers.get(nodeId - 1);
	}

	/** SIGKILL one broker. */
	public void kill(int nodeId) {
		broker(nodeId).kill();
	}

	/** Starts a killed broker again on its data directory. */
	public void restart(int nodeId) {
		broker(nodeId).start();
	}

	@Override
	public void close() {
		this.brokers.forEach(LocalKafka::stop);
	}
}
