package org.revocation.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docker-compose.yml for real: {@code docker-compose up -d --build} on the fixed ports of DESIGN.md section 5, every
 * health check waited for, the README walkthrough run against the published ports, then {@code down -v}. The images
 * are the ones Testcontainers' substitution picks ({@link LocalImageSubstitutor}: the offline builds where there is
 * no registry), handed to the file through its KAFKA_IMAGE / REDIS_IMAGE / JRE_IMAGE variables. Skipped, with the
 * reason, where no engine, images or {@code docker-compose} (Debian's 1.29, the v3 file format) can be had.
 */
@ContainerEngine.Required
class ComposeEndToEndTests {

	private static final String PROJECT = "revocation-compose-test";

	private static final Path ROOT = ContainerEngine.ROOT;

	private static boolean up;

	@BeforeAll
	static void up() throws Exception {
		Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose)");
		Assumptions.assumeTrue(ReadmeWalkthrough.runnable(), "the walkthrough needs bash, curl and sed");
		ContainerizedSystem.stopIfRunning();
		long started = System.nanoTime();
		compose(Duration.ofMinutes(8), "up", "-d", "--build");
		up = true;
		List<String> ids = List.of(compose(Duration.ofMinutes(1), "ps", "-q").trim().split("\\s+"));
		assertThat(ids).hasSizeGreaterThanOrEqualTo(5);
		await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			for (String id : ids) {
				InspectContainerResponse container = DockerClientFactory.instance().client().inspectContainerCmd(id)
					.exec();
				InspectContainerResponse.ContainerState state = container.getState();
				if (state.getHealth() != null) {
					assertThat(state.getHealth().getStatus()).as(container.getName()).isEqualTo("healthy");
				}
				else {
					assertThat(state.getRunning()).as(container.getName() + " (runs to completion)").isFalse();
					assertThat(state.getExitCodeLong()).as(container.getName()).isZero();
				}
			}
		});
		System.out.printf("docker-compose: up to all healthy in %.1f s%n", (System.nanoTime() - started) / 1e9);
	}

	@AfterAll
	static void down() throws Exception {
		if (up) {
			compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
		}
	}

	@Test
	void readmeWalkthroughWhenRunAgainstComposeThenTheRevocationIsInForce(@TempDir Path tmp) throws Exception {
		Path ca = tmp.resolve("ca.pem");
		Files.writeString(ca, compose(Duration.ofSeconds(30), "exec", "-T", "token-checker", "cat", "/tls/ca.pem"));
		ReadmeWalkthrough.run(ROOT, "http://localhost:8080", "https://localhost:8443", ca);
	}

	/** Runs docker-compose with this project's name and images; its output, or the assertion that it failed. */
	private static String compose(Duration timeout, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("docker-compose", "-p", PROJECT, "-f",
				ROOT.resolve("docker-compose.yml").toString()));
		command.addAll(Arrays.asList(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
		Map<String, String> environment = builder.environment();
		environment.put("KAFKA_IMAGE", image("apache/kafka:4.2.1"));
		environment.put("REDIS_IMAGE", image("redis:7"));
		environment.put("JRE_IMAGE", image("eclipse-temurin:17-jre"));
		environment.put("COMPOSE_DOCKER_CLI_BUILD", "0");
		String host = ContainerEngine.dockerHost();
		if (host != null) {
			environment.put("DOCKER_HOST", host);
		}
		Path output = Files.createTempFile("compose", ".out");
		Path errors = Files.createTempFile("compose", ".err");
		try {
			Process process = builder.redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
			boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!done) {
				process.destroyForcibly();
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			assertThat(done && process.exitValue() == 0).as("docker-compose %s:%n%s%s", String.join(" ", arguments),
					text, Files.readString(errors, StandardCharsets.UTF_8))
				.isTrue();
			return text;
		}
		finally {
			Files.delete(output);
			Files.delete(errors);
		}
	}

	private static String image(String official) {
		return ImageNameSubstitutor.instance().apply(DockerImageName.parse(official)).asCanonicalNameString();
	}

	private static boolean onPath(String command) {
		return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, command)));
	}
}
