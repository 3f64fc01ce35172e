package org.revocation.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;
import org.revocation.localstack.LocalKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stopped while revocations arrive: a real broker process is killed with SIGKILL in the middle of a stream of
 * requests and started again. Every request answered 200 has its event in the topic afterwards; every other request
 * got 503 {@code serviceNotAvailable} with {@code Retry-After}, within the configured bound; none hung.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.kafka-send-timeout=3s", "gateway.in-force-timeout=500ms",
				"spring.kafka.producer.properties.max.block.ms=2500",
				"spring.kafka.producer.properties.request.timeout.ms=2000",
				"spring.kafka.producer.properties.delivery.timeout.ms=2800",
				"revocation.issuer-base-url=" + TestTokens.ISSUER_BASE })
class KafkaStoppedIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(KafkaStoppedIntegrationTests.class);

	private static final String TOPIC = "revocation-events";

	private static final TestRedis redisServer = TestRedis.start();

	private static final Path dir;

	private static final LocalKafka kafka;

	static {
		try {
			dir = Files.createTempDirectory("gateway-kafka-");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		kafka = new LocalKafka(Path.of("..", "local-stack", "target", "kafka-lib").toAbsolutePath(), dir,
				TestRedis.freePort(), TestRedis.freePort()).start();
		try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@LocalServerPort
	int port;

	@Autowired
	RedisClient redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		redisServer.register(registry);
		registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
		registry.add("gateway.jwks-uri", JwksServer::url);
	}

	@AfterAll
	static void stop() throws Exception {
		kafka.stop();
		redisServer.close();
		FileSystemUtils.deleteRecursively(dir);
	}

	@Test
	void revokeWhenBrokerKilledMidStreamThenEvery200IsInTheTopicAndTheRest503() throws Exception {
		ViewMarkers.markComplete(this.redis);
		String token = TestTokens.sign(TestTokens.app(DemoTenant.REVOCATION_DAEMON, "User.ReadWrite.All"));
		List<DemoTenant.User> targets = List.of(DemoTenant.BOB, DemoTenant.CAROL, DemoTenant.HENRY, DemoTenant.MEGAN);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try (TestApplier applier = new TestApplier(kafka.bootstrapServers(), this.redis)) {
			for (int i = 0; i < 8; i++) {
				DemoTenant.User target = targets.get(i % targets.size());
				callers.submit(() -> {
					for (int n = 0; n < 2_000 && running.get(); n++) { // bounded in count and in time
						long started = System.nanoTime();
						HttpResponse<String> answer = http.send(HttpRequest
							.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1.0/users/" + target.id()
									+ "/revokeSignInSessions"))
							.header("Authorization", "Bearer " + token)
							.timeout(Duration.ofSeconds(30))
							.POST(HttpRequest.BodyPublishers.noBody())
							.build(), HttpResponse.BodyHandlers.ofString());
						outcomes.add(new Outcome(answer.statusCode(), answer.headers().firstValue("request-id").orElse(""),
								answer.headers().firstValue("Retry-After").orElse(null),
								Duration.ofNanos(System.nanoTime() - started)));
					}
					return null;
				});
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() >= 100); // answered before the fault
			kafka.kill();
			long killedAt = outcomes.size();
			Thread.sleep(4_000); // requests arrive while the broker is down
			kafka.start();
			long restartedAt = outcomes.size();
			await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() >= restartedAt + 100);
			running.set(false);
			callers.shutdown();
			assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			log.info("kafka stopped: {} requests before the kill", killedAt);
		}
		Set<String> inTopic = requestIdsInTopic();
		List<Outcome> ok = outcomes.stream().filter((o) -> o.status() == 200).toList();
		List<Outcome> unavailable = outcomes.stream().filter((o) -> o.status() == 503).toList();
		List<Outcome> lost = ok.stream().filter((o) -> !inTopic.contains(o.requestId())).toList();
		Duration slowest = outcomes.stream().map(Outcome::took).max(Duration::compareTo).orElseThrow();
		log.info("kafka stopped: sent {}, 200 {}, 503 {}, other {}, 200 without event {}, slowest {} ms",
				outcomes.size(), ok.size(), unavailable.size(), outcomes.size() - ok.size() - unavailable.size(),
				lost.size(), slowest.toMillis());
		assertThat(ok).isNotEmpty();
		assertThat(unavailable).as("requests while the broker was down").isNotEmpty();
		assertThat(ok.size() + unavailable.size()).isEqualTo(outcomes.size());
		assertThat(unavailable).allSatisfy((o) -> assertThat(o.retryAfter()).isNotNull());
		assertThat(lost).isEmpty();
		assertThat(slowest).isLessThan(Duration.ofSeconds(10)); // send bound 3 s + in-force bound 0.5 s, plus slack
	}

	private static Set<String> requestIdsInTopic() {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		Set<String> ids = new HashSet<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (partitions.stream().anyMatch((p) -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					ids.add(RevocationEventCodec.decode(record.value()).requestId());
				}
			}
		}
		return ids;
	}

	private record Outcome(int status, String requestId, String retryAfter, Duration took) {
	}
}
