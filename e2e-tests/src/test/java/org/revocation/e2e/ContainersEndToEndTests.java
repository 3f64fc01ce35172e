package org.revocation.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core scenario against containers, for machines with a Docker engine (skipped, with the reason, where there is
 * none — the real-process suites above run everywhere): Kafka (the official apache/kafka image, KRaft), Redis, and the
 * three services built from their Dockerfiles and the jars of this build. Bob signs in, revocation-daemon revokes him
 * through the gateway, his refresh is refused with AADSTS50173, a fresh sign-in works.
 * <p>
 * Run it alone with {@code ./mvnw -pl e2e-tests -am verify -Dtest=ContainersEndToEndTests -Dsurefire.failIfNoSpecifiedTests=false}
 * (Docker must be able to pull {@code apache/kafka}, {@code redis} and {@code eclipse-temurin} or have them locally).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersEndToEndTests {

	private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	private static final Network network = Network.newNetwork();

	@Container
	static final KafkaContainer kafka = new KafkaContainer("apache/kafka:4.2.1").withNetwork(network)
		.withListener("kafka:19092")
		.withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");

	@Container
	static final GenericContainer<?> redis = new GenericContainer<>("redis:7").withNetwork(network)
		.withNetworkAliases("redis")
		.withCommand("redis-server", "--appendonly", "yes")
		.withExposedPorts(6379);

	@Container
	static final GenericContainer<?> tokenChecker = service("token-checker", 8081).dependsOn(redis);

	@Container
	static final GenericContainer<?> worker = service("revocation-worker", 8082)
		.withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:19092")
		.dependsOn(kafka, redis);

	@Container
	static final GenericContainer<?> gateway = service("api-gateway", 8080)
		.withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:19092")
		.withEnv("JWKS_URI", "http://token-checker:8081/common/discovery/v2.0/keys")
		.withEnv("IN_FORCE_TIMEOUT", "5s")
		.dependsOn(kafka, redis, tokenChecker, worker);

	@Test
	void revokeThroughTheGatewayThenRefreshRefusedAndFreshSignInWorks() {
		String checker = "http://" + tokenChecker.getHost() + ":" + tokenChecker.getMappedPort(8081);
		String token = checker + "/" + DemoTenant.CONTOSO + "/oauth2/v2.0/token";
		Map<String, String> signIn = Map.of("grant_type", "password", "client_id", DemoTenant.CONTOSO_CLI.clientId(),
				"username", DemoTenant.BOB.upn(), "password", DemoTenant.BOB.password(), "scope", Clients.USER_SCOPES);
		String refreshToken = Http.postForm(token, signIn).text("refresh_token");
		String appToken = Http.postForm(token, Map.of("grant_type", "client_credentials", "client_id",
				DemoTenant.REVOCATION_DAEMON.clientId(), "client_secret", DemoTenant.REVOCATION_DAEMON.secret(), "scope",
				"https://graph.microsoft.com/.default")).text("access_token");
		Map<String, String> refresh = Map.of("grant_type", "refresh_token", "client_id",
				DemoTenant.CONTOSO_CLI.clientId(), "refresh_token", refreshToken);
		assertThat(Http.postForm(token, refresh).status()).isEqualTo(200);

		Http.Answer revoked = Http.post("http://" + gateway.getHost() + ":" + gateway.getMappedPort(8080)
				+ "/v1.0/users/" + DemoTenant.BOB.upn() + "/revokeSignInSessions", appToken);
		assertThat(revoked.status()).isEqualTo(200);
		assertThat(revoked.json().get("value").asBoolean()).isTrue();

		Http.Answer refused = Http.postForm(token, refresh);
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
		assertThat(Http.postForm(token, signIn).status()).isEqualTo(200);
	}

	private static GenericContainer<?> service(String name, int port) {
		String jar = name + "/target/" + name + "-" + System.getProperty("project.version") + ".jar";
		ImageFromDockerfile image = new ImageFromDockerfile("revocation/" + name + "-e2e", false)
			.withFileFromPath("Dockerfile", ROOT.resolve(name + "/Dockerfile"))
			.withFileFromPath(name + "/target/" + name + "-0.1.0-SNAPSHOT.jar", ROOT.resolve(jar));
		return new GenericContainer<>(image).withNetwork(network)
			.withNetworkAliases(name)
			.withEnv("SERVER_PORT", Integer.toString(port))
			.withEnv("REDIS_HOST", "redis")
			.withEnv("REDIS_PORT", "6379")
			.withExposedPorts(port)
			.waitingFor(Wait.forHttp("/actuator/health").forPort(port).withStartupTimeout(Duration.ofMinutes(3)));
	}
}
