package org.revocation.worker;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Worker JVM processes for the fault tests (a process can be killed with SIGKILL, an application context cannot), and
 * the consumer group's progress as the broker reports it.
 */
final class WorkerProcesses implements AutoCloseable {

	static final String GROUP = "revocation-worker";

	private final List<Process> processes = new ArrayList<>();

	private final String bootstrapServers;

	private final int redisPort;

	WorkerProcesses(String bootstrapServers, int redisPort) {
		this.bootstrapServers = bootstrapServers;
		this.redisPort = redisPort;
	}

	/** Starts a worker JVM (logging to {@code target/<name>.log}) and waits until its health is UP. */
	Process start(String name) throws Exception {
		int port = TestRedis.freePort();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Path logFile = Path.of("target", name + ".log");
		Files.createDirectories(logFile.getParent());
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, WorkerApplication.class.getName(),
				"--spring.kafka.bootstrap-servers=" + this.bootstrapServers, "--server.port=" + port,
				"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + this.redisPort,
				"--revocation.max-session-lifetime=1d", "--worker.marker-check-interval=200ms",
				"--spring.kafka.consumer.max-poll-records=50",
				"--spring.kafka.consumer.properties.session.timeout.ms=6000");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(logFile.toFile())
			.directory(new File("."))
			.start();
		this.processes.add(process);
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
			.untilAsserted(() -> {
				assertThat(process.isAlive()).as("worker process alive (see %s)", logFile).isTrue();
				HttpResponse<String> health = http.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(health.statusCode()).isEqualTo(200);
			});
		return process;
	}

	/** SIGKILL: no shutdown hook, no commit, no leaving the group. */
	static void kill(Process worker) throws Exception {
		worker.destroyForcibly();
		assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(worker.exitValue()).isEqualTo(137);
	}

	@Override
	public void close() {
		this.processes.forEach(Process::destroyForcibly);
	}

	/** The group's committed offsets on the topic, summed over its partitions. */
	static long committedTotal(Admin admin, String topic) throws Exception {
		return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS).entrySet().stream()
			.filter((entry) -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
			.mapToLong((entry) -> entry.getValue().offset())
			.sum();
	}

	/** The topic's end offsets, summed over its partitions: the number of records ever written to it. */
	static long endTotal(Admin admin, String topic) throws Exception {
		List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
			.get(topic).partitions().stream().map((p) -> new TopicPartition(topic, p.partition())).toList();
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		partitions.forEach((partition) -> latest.put(partition, OffsetSpec.latest()));
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
			.get(10, TimeUnit.SECONDS);
		return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
	}

	/** Members of the worker group, as the group coordinator sees them. */
	static int members(Admin admin) throws Exception {
		return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP).members().size();
	}

	/** Waits until the group committed a few more batches than {@code before} (consuming); returns the total. */
	static long awaitProgress(Admin admin, String topic, long before) {
		return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
			.until(() -> committedTotal(admin, topic), (total) -> total >= before + 200);
	}

	/** Waits until the group committed every record of the topic. */
	static void awaitEverythingCommitted(Admin admin, String topic) {
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
			.untilAsserted(() -> assertThat(committedTotal(admin, topic)).isEqualTo(endTotal(admin, topic)));
	}
}
