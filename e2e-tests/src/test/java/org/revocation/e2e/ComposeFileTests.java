package org.revocation.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml agrees with the services, without Docker: every environment variable it sets for a service is
 * one that service reads (a {@code ${VARIABLE:default}} placeholder of its application.yml), its ports are the
 * fixed ones of DESIGN.md section 5 and the ones the services listen on, and the topic, Redis and Kafka addresses it
 * wires agree with the services' defaults and with each other.
 */
class ComposeFileTests {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");

	private final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenParsedThenEveryVariableIsReadAndPortsAndTopicsAgree() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(this.root.resolve("docker-compose.yml")));
		assertThat(compose.get("version")).as("a Compose file format docker-compose 1.29 accepts").isEqualTo("3.8");
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services).containsKeys("kafka", "redis", "token-checker", "revocation-worker", "api-gateway",
				"ssf-transmitter");
		assertThat(services.get("kafka").get("image")).isEqualTo("${KAFKA_IMAGE:-apache/kafka:4.2.1}");
		assertThat(services.get("redis").get("image")).isEqualTo("${REDIS_IMAGE:-redis:7}");
		Map<String, String> offline = offlineImages();
		assertThat(offline).as("containers/offline.env names the offline builds of every image variable")
			.containsOnlyKeys("KAFKA_IMAGE", "REDIS_IMAGE", "JRE_IMAGE");
		assertThat(offline.values()).containsExactlyInAnyOrderElementsOf(LocalImageSubstitutor.OFFLINE.values());
		assertThat(services.get("redis").get("command").toString()).contains("--appendonly", "yes");
		Map<String, List<String>> fixedPorts = Map.of("token-checker", List.of("8081:8081", "8443:8443"),
				"revocation-worker", List.of("8082:8082"), "api-gateway", List.of("8080:8080", "8444:8444"),
				"ssf-transmitter", List.of("8083:8083"), "kafka",
				List.of("9092:9092"), "redis", List.of("6380:6379"));
		fixedPorts.forEach((name, ports) -> assertThat((List<String>) services.get(name).get("ports")).as(name)
			.containsExactlyInAnyOrderElementsOf(ports));

		for (String name : List.of("token-checker", "revocation-worker", "api-gateway", "ssf-transmitter")) {
			Map<String, String> defaults = placeholders(name);
			Map<String, Object> service = services.get(name);
			assertThat(service.get("build").toString()).contains(name + "/Dockerfile", "BASE_IMAGE=${JRE_IMAGE:-");
			assertThat(service.get("image")).isEqualTo("revocation/" + name + ":local");
			assertThat(Files.exists(this.root.resolve(name + "/Dockerfile"))).isTrue();
			assertThat(service).containsKey("healthcheck");
			Map<String, Object> environment = (Map<String, Object>) service.get("environment");
			for (String variable : environment.keySet()) {
				assertThat(defaults).as("%s reads %s", name, variable).containsKey(variable);
			}
			String port = environment.get("SERVER_PORT").toString();
			assertThat(port).as(name + " listens on its default port").isEqualTo(defaults.get("SERVER_PORT"));
			assertThat((List<String>) service.get("ports")).contains(port + ":" + port);
			if (environment.containsKey("HTTPS_PORT")) {
				assertThat(environment.get("HTTPS_PORT").toString()).isEqualTo(defaults.get("HTTPS_PORT"));
			}
			if (environment.containsKey("REVOCATION_TOPIC")) {
				assertThat(environment.get("REVOCATION_TOPIC")).isEqualTo(defaults.get("REVOCATION_TOPIC"));
			}
			assertThat(environment.get("REDIS_HOST")).isEqualTo("redis");
			assertThat(environment.get("REDIS_PORT").toString()).isEqualTo("6379"); // inside the network
			if (environment.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
				Map<String, Object> kafka = (Map<String, Object>) services.get("kafka").get("environment");
				assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS").toString())
					.contains("//" + environment.get("KAFKA_BOOTSTRAP_SERVERS"));
				assertThat(kafka.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").toString()).isEqualTo("false");
			}
			if (environment.containsKey("ISSUER_BASE_URL")) {
				assertThat(environment.get("ISSUER_BASE_URL")).isEqualTo("https://localhost:8443");
			}
		}
		Map<String, Object> gateway = (Map<String, Object>) services.get("api-gateway").get("environment");
		Map<String, Object> checker = (Map<String, Object>) services.get("token-checker").get("environment");
		assertThat(gateway.get("JWKS_URI").toString())
			.startsWith("http://token-checker:" + checker.get("SERVER_PORT") + "/");
	}

	private Map<String, String> offlineImages() throws IOException {
		Map<String, String> found = new HashMap<>();
		for (String line : Files.readAllLines(this.root.resolve("containers/offline.env"))) {
			if (!line.isBlank() && !line.startsWith("#")) {
				found.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
		}
		return found;
	}

	/** The environment variables a service reads, with their defaults, from its application.yml. */
	private Map<String, String> placeholders(String service) throws IOException {
		String yaml = Files.readString(this.root.resolve(service + "/src/main/resources/application.yml"));
		Map<String, String> found = new HashMap<>();
		Matcher matcher = PLACEHOLDER.matcher(yaml);
		while (matcher.find()) {
			found.put(matcher.group(1), matcher.group(2));
		}
		return found;
	}
}
