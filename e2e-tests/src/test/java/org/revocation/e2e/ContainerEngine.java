package org.revocation.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Where the container suites run: a Docker engine must answer and every image they need must be had (present, or
 * the offline build's substitute present). Otherwise they are skipped with the reason, never failed, so that
 * {@code ./mvnw verify} passes on a machine with only a JDK; CI (.ci/run) starts an engine and builds the images
 * so they run for real there.
 * <p>
 * Testcontainers is pointed at the engine {@code containers/docker-daemon.sh} starts for this work tree when
 * {@code DOCKER_HOST} names none, and reaches containers only through ports published on 127.0.0.1: the e2e-tests
 * pom sets {@code TESTCONTAINERS_HOST_OVERRIDE=localhost} for the test JVM (this machine kind has {@code /.dockerenv},
 * which would otherwise send traffic to the bridge's gateway address).
 */
final class ContainerEngine implements ExecutionCondition {

	static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	/** The images the suites start, by their official names. */
	static final List<String> IMAGES = List.of("apache/kafka:4.2.1", "redis:7", "eclipse-temurin:17-jre");

	private static String reason;

	private static boolean evaluated;

	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@ExtendWith(ContainerEngine.class)
	@interface Required {

	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		String why = unavailable();
		return (why == null) ? ConditionEvaluationResult.enabled("a Docker engine answers and the images are here")
				: ConditionEvaluationResult.disabled(why);
	}

	/** Null when the container suites can run, else why not. Evaluated once per JVM. */
	static synchronized String unavailable() {
		if (!evaluated) {
			evaluated = true;
			reason = evaluate();
			if (reason != null) {
				System.out.println("container suites skipped: " + reason);
			}
		}
		return reason;
	}

	/** The engine the suites use, for command-line clients (docker-compose): null for the client's default. */
	static String dockerHost() {
		String host = System.getenv("DOCKER_HOST");
		return (host != null) ? host : TestcontainersConfiguration.getInstance().getUserProperties().getProperty("docker.host");
	}

	private static String evaluate() {
		Properties user = TestcontainersConfiguration.getInstance().getUserProperties();
		Path socket = ROOT.resolve(".local/docker/docker.sock");
		if (System.getenv("DOCKER_HOST") == null && user.getProperty("docker.host") == null && Files.exists(socket)) {
			user.setProperty("docker.host", "unix://" + socket);
		}
		// the start-up checks run a container of alpine, which an engine without a registry does not have
		user.setProperty("checks.disable", "true");
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			return "no Docker engine answers (DOCKER_HOST unset and no socket; containers/docker-daemon.sh start "
					+ "starts one, .ci/run does it as root)";
		}
		try {
			DockerClientFactory.instance().client();
		}
		catch (RuntimeException ex) {
			return "Testcontainers could not start against the engine (" + ex.getMessage() + "); where Ryuk's image "
					+ "cannot be had, set TESTCONTAINERS_RYUK_DISABLED=true as .ci/run does";
		}
		List<String> missing = new ArrayList<>();
		for (String image : IMAGES) {
			String used = ImageNameSubstitutor.instance().apply(DockerImageName.parse(image)).asCanonicalNameString();
			if (!LocalImageSubstitutor.present(used)) {
				missing.add(image);
			}
		}
		if (!missing.isEmpty() && !pullable(missing.get(0))) {
			return "images " + missing + " are not in the engine and cannot be pulled; containers/build-images.sh "
					+ "builds drop-ins for them without a registry";
		}
		return null;
	}

	private static boolean pullable(String image) {
		try {
			DockerClientFactory.instance().client().pullImageCmd(image).start()
				.awaitCompletion(60, TimeUnit.SECONDS);
			return LocalImageSubstitutor.present(image);
		}
		catch (RuntimeException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
