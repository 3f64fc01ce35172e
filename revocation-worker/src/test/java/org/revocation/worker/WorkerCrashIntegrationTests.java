package org.revocation.worker;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import redis.clients.jedis.RedisClient;

import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's crash test: the worker runs as its own JVM process against a real broker and a real Redis; a stream of
 * 10,000 revocations across 1,000 users is produced while that process is killed with SIGKILL twice (each time in
 * the middle of consuming) and started again. Afterwards every user's cutoff in Redis is the maximum sent for them,
 * and the group committed every record: zero lost.
 */
@EmbeddedKafka(partitions = 1) // the worker creates its topics (12 partitions)
class WorkerCrashIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(WorkerCrashIntegrationTests.class);

	private static final String TOPIC = "revocation-events";

	private static final TestRedis redisServer = TestRedis.start();

	private final List<Process> workers = new ArrayList<>();

	@AfterEach
	void stopWorkers() {
		this.workers.forEach(Process::destroyForcibly);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumeWhenWorkerKilledTwiceMidStreamThenEveryCutoffIsTheMaximum(EmbeddedKafkaBroker broker) throws Exception {
		String bootstrap = broker.getBrokersAsString();
		Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
				TestRevocationStream stream = new TestRevocationStream(bootstrap, TOPIC, 1_000, base);
				RedisClient redis = redisServer.client()) {
			Process worker = startWorker(bootstrap, 1);
			stream.send(3_000);
			long committed = awaitProgress(admin, 0);
			kill(worker);
			assertThat(committed).as("killed in the middle of the stream").isLessThan(stream.sent());
			log.info("crash test: first SIGKILL after {} records committed of {} sent", committed, stream.sent());

			stream.send(3_000);
			worker = startWorker(bootstrap, 2);
			committed = awaitProgress(admin, committed);
			kill(worker);
			assertThat(committed).as("killed in the middle of the stream").isLessThan(stream.sent());
			log.info("crash test: second SIGKILL after {} records committed of {} sent", committed, stream.sent());

			stream.send(4_000);
			startWorker(bootstrap, 3);
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
				.untilAsserted(() -> assertThat(committedTotal(admin)).isEqualTo(endTotal(admin)));
			List<String> lost = stream.usersNotAtTheirMaximum(redis);
			log.info("crash test: sent {}, committed {}, users not at their maximum {}", stream.sent(),
					committedTotal(admin), lost.size());
			assertThat(stream.sent()).isEqualTo(10_000);
			assertThat(endTotal(admin)).isEqualTo(10_000);
			assertThat(lost).isEmpty();
		}
	}

	/**
	 * Waits until the group committed a few more batches than {@code before} (the worker is consuming); returns the
	 * total.
	 */
	private static long awaitProgress(Admin admin, long before) {
		return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
			.until(() -> committedTotal(admin), (total) -> total >= before + 200);
	}

	private static long committedTotal(Admin admin) throws Exception {
		return admin.listConsumerGroupOffsets("revocation-worker").partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS).entrySet().stream()
			.filter((entry) -> entry.getKey().topic().equals(TOPIC) && entry.getValue() != null)
			.mapToLong((entry) -> entry.getValue().offset())
			.sum();
	}

	private static long endTotal(Admin admin) throws Exception {
		List<TopicPartition> partitions = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
			.get(TOPIC).partitions().stream().map((p) -> new TopicPartition(TOPIC, p.partition())).toList();
		Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
		partitions.forEach((partition) -> latest.put(partition, OffsetSpec.latest()));
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
			.get(10, TimeUnit.SECONDS);
		return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
	}

	private Process startWorker(String bootstrap, int run) throws Exception {
		int port = TestRedis.freePort();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Path logFile = Path.of("target", "crash-test-worker-" + run + ".log");
		Files.createDirectories(logFile.getParent());
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, WorkerApplication.class.getName(),
				"--spring.kafka.bootstrap-servers=" + bootstrap, "--server.port=" + port,
				"--revocation.redis.host=127.0.0.1", "--revocation.redis.port=" + redisServer.port(),
				"--revocation.max-session-lifetime=1d", "--worker.marker-check-interval=200ms",
				"--spring.kafka.consumer.max-poll-records=50",
				"--spring.kafka.consumer.properties.session.timeout.ms=6000");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(logFile.toFile())
			.directory(new File("."))
			.start();
		this.workers.add(process);
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
			.untilAsserted(() -> {
				assertThat(process.isAlive()).as("worker process alive (see %s)", logFile).isTrue();
				HttpResponse<String> health = http.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(health.statusCode()).isEqualTo(200);
			});
		log.info("crash test: worker run {} started, pid {}", run, process.pid());
		return process;
	}

	private static void kill(Process worker) throws Exception {
		worker.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leaving the group
		assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(worker.exitValue()).isEqualTo(137);
	}
}
