package org.revocation.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters with one replica each, as six {@code redis-server} processes on loopback (the same
 * binary as {@link LocalRedis}), formed with cluster commands over RESP — no {@code redis-cli} (INFRA.md section 9).
 * Nodes 0–2 start as the masters of slots 0–5460, 5461–10922 and 10923–16383; node 3+i replicates node i.
 * {@code --cluster-node-timeout 1000}, so a killed master's replica is promoted within about 2.5 s.
 */
public final class LocalRedisCluster implements AutoCloseable {

	public static final int NODES = 6;

	private static final int[][] SLOTS = { { 0, 5460 }, { 5461, 10922 }, { 10923, 16383 } };

	private final Path binary;

	private final Path dir;

	private final List<Integer> ports;

	private final Map<Integer, LocalRedis> nodes = new LinkedHashMap<>();

	public LocalRedisCluster(Path binary, Path dir, List<Integer> ports) {
		if (ports.size() != NODES) {
			throw new IllegalArgumentException("a cluster here has " + NODES + " nodes");
		}
		this.binary = binary;
		this.dir = dir;
		this.ports = List.copyOf(ports);
	}

	/** A cluster on random free ports under {@code dir}, started and formed. */
	public static LocalRedisCluster start(Path dir) {
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			ports.add(Ports.free());
		}
		return new LocalRedisCluster(binary(dir), dir, ports).start();
	}

	/**
	 * {@code redis-server} on the PATH, else local-stack's unpacked binary, else the one inside the embedded-redis jar
	 * if it is on the classpath (tests), copied into {@code dir}.
	 */
	public static Path binary(Path dir) {
		Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
		Path fromPath = LocalRedis.findBinary(root.resolve("local-stack/target/redis"));
		if (Files.isExecutable(fromPath)) {
			return fromPath;
		}
		String name = "redis-server-6.2.6-v5-linux-amd64";
		try (InputStream in = LocalRedisCluster.class.getResourceAsStream("/" + name)) {
			if (in == null) {
				throw new IllegalStateException("no redis-server binary: put one on the PATH or build local-stack");
			}
			Files.createDirectories(dir);
			Path copy = dir.resolve(name);
			Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
			copy.toFile().setExecutable(true);
			return copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public LocalRedisCluster start() {
		for (int port : this.ports) {
			startNode(port);
		}
		form(this.ports, Duration.ofSeconds(60));
		return this;
	}

	private void startNode(int port) {
		LocalRedis node = new LocalRedis(this.binary, this.dir.resolve("node-" + port), port, true,
				List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
						"--cluster-node-timeout", "1000", "--hz", "100"));
		this.nodes.put(port, node.start());
	}

	public List<Integer> ports() {
		return this.ports;
	}

	/** The seed list for {@code REDIS_CLUSTER_NODES}: {@code 127.0.0.1:p,...}. */
	public String seeds() {
		return this.ports.stream().map((p) -> "127.0.0.1:" + p).collect(Collectors.joining(","));
	}

	/** SIGKILL one node. */
	public void kill(int port) {
		this.nodes.get(port).kill();
	}

	/** Starts a killed node again on its data directory: it rejoins (a former master comes back as a replica). */
	public void restart(int port) {
		LocalRedis old = this.nodes.get(port);
		if (old != null && old.isAlive()) {
			old.kill();
		}
		startNode(port);
	}

	public boolean isAlive(int port) {
		return this.nodes.get(port).isAlive();
	}

	/** The port of the master serving a hash slot, as a live node sees it; -1 if no live node knows one. */
	public int masterOf(int slot) {
		for (int port : this.ports) {
			if (!isAlive(port)) {
				continue;
			}
			String nodes = Resp.text(port, "CLUSTER", "NODES");
			if (nodes == null) {
				continue;
			}
			for (String line : nodes.split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
					continue;
				}
				for (int i = 8; i < fields.length; i++) {
					String[] range = fields[i].split("-");
					if (range[0].startsWith("[")) {
						continue;
					}
					int from = Integer.parseInt(range[0]);
					int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
					if (slot >= from && slot <= to) {
						return port(fields[1]);
					}
				}
			}
			return -1;
		}
		return -1;
	}

	/** The port of a live replica of the master on {@code masterPort}; -1 if none. */
	public int replicaOf(int masterPort) {
		for (int port : this.ports) {
			if (port != masterPort && isAlive(port)) {
				String info = Resp.text(port, "INFO", "replication");
				if (info != null && info.contains("role:slave") && info.contains("master_port:" + masterPort)) {
					return port;
				}
			}
		}
		return -1;
	}

	/** Whether a live node has the master role. */
	public boolean isMaster(int port) {
		String info = Resp.text(port, "INFO", "replication");
		return info != null && info.contains("role:master");
	}

	/** Waits until every live node reports {@code cluster_state:ok} and the given node is a master. */
	public void awaitMaster(int port, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String info = Resp.text(port, "INFO", "replication");
			if (info != null && info.contains("role:master") && allOk()) {
				return;
			}
			pause();
		}
		throw new IllegalStateException("node " + port + " did not become a master with the cluster ok within " + timeout);
	}

	/** Waits until every node is up, linked and agrees on 3 masters + 3 replicas. */
	public void awaitHealthy(Duration timeout) {
		awaitFormed(this.ports, timeout);
	}

	private boolean allOk() {
		for (int port : this.ports) {
			if (isAlive(port)) {
				String info = Resp.text(port, "CLUSTER", "INFO");
				if (info == null || !info.contains("cluster_state:ok")) {
					return false;
				}
			}
		}
		return true;
	}

	private int port(String address) {
		// 127.0.0.1:7001@17001
		String hostPort = address.split("@")[0];
		return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
	}

	/**
	 * Forms the cluster from six fresh nodes (or returns at once if they already form one): config epochs and slots on
	 * the masters, MEET, REPLICATE once the replica knows its master, then waits for a healthy topology.
	 */
	public static void form(List<Integer> ports, Duration timeout) {
		if (formed(ports)) {
			return;
		}
		List<String> ids = new ArrayList<>();
		for (int port : ports) {
			ids.add((String) Resp.call(port, "CLUSTER", "MYID"));
		}
		for (int m = 0; m < 3; m++) {
			Resp.call(ports.get(m), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(m + 1));
			List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			for (int slot = SLOTS[m][0]; slot <= SLOTS[m][1]; slot++) {
				command.add(Integer.toString(slot));
			}
			Resp.call(ports.get(m), command.toArray(String[]::new));
		}
		for (int i = 1; i < NODES; i++) {
			Resp.call(ports.get(0), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports.get(i)));
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		for (int r = 3; r < NODES; r++) {
			String masterId = ids.get(r - 3);
			while (true) {
				String nodes = Resp.text(ports.get(r), "CLUSTER", "NODES");
				if (nodes != null && nodes.contains(masterId)) {
					try {
						Resp.call(ports.get(r), "CLUSTER", "REPLICATE", masterId);
						break;
					}
					catch (Resp.ErrorReply ex) {
						// not known well enough yet: retry
					}
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("replica " + ports.get(r) + " never learned its master " + masterId);
				}
				pause();
			}
		}
		awaitFormed(ports, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)));
	}

	private static void awaitFormed(List<Integer> ports, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!formed(ports)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Redis Cluster on " + ports + " not healthy within " + timeout + ": "
						+ unhealthy(ports));
			}
			pause();
		}
	}

	/** Every node: cluster ok, 6 known nodes, 3 masters + 3 replicas seen, replicas linked. */
	public static boolean formed(List<Integer> ports) {
		return unhealthy(ports) == null;
	}

	/** Why the cluster is not healthy yet, or null. */
	public static String unhealthy(List<Integer> ports) {
		for (int port : ports) {
			String info = Resp.text(port, "CLUSTER", "INFO");
			if (info == null || !info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + NODES)) {
				return port + ": " + info;
			}
			String nodes = Resp.text(port, "CLUSTER", "NODES");
			if (nodes == null || count(nodes, "master") != 3 || count(nodes, "slave") != 3 || nodes.contains("fail")) {
				return port + ": " + nodes;
			}
			String replication = Resp.text(port, "INFO", "replication");
			if (replication == null
					|| (replication.contains("role:slave") && !replication.contains("master_link_status:up"))) {
				return port + ": " + replication;
			}
		}
		return null;
	}

	private static int count(String nodes, String role) {
		int n = 0;
		for (String line : nodes.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length > 2 && List.of(fields[2].split(",")).contains(role)) {
				n++;
			}
		}
		return n;
	}

	private static void pause() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		for (LocalRedis node : this.nodes.values()) {
			node.stop();
		}
	}

	/** {@code java -cp local-stack/target/classes org.revocation.localstack.LocalRedisCluster form p1 ... p6}. */
	public static void main(String[] args) {
		if (args.length != NODES + 1 || !"form".equals(args[0])) {
			System.err.println("usage: LocalRedisCluster form <6 ports: 3 masters, then their replicas>");
			System.exit(2);
		}
		List<Integer> ports = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			ports.add(Integer.parseInt(args[i]));
		}
		long started = System.nanoTime();
		form(ports, Duration.ofSeconds(60));
		System.out.println("Redis Cluster formed on " + ports + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
	}
}
