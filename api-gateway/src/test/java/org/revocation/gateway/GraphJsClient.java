package org.revocation.gateway;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Microsoft's Graph JavaScript client ({@code @microsoft/microsoft-graph-client}, pinned in
 * {@code src/test/js/graph-batch/package-lock.json}) run by Node.js. {@code npm ci} installs it into
 * {@code target/graph-js-client} once and again only when the lock file changes, so a build pays for the install once.
 * Where Node.js 18+ or npm is missing, or {@code npm ci} fails (no registry and nothing in npm's cache), the calling
 * test is skipped with the reason, never failed: the Java SDK's batch test covers the gateway without Node.js.
 */
final class GraphJsClient {

	private static final Logger log = LoggerFactory.getLogger(GraphJsClient.class);

	private static final Path SOURCE = Path.of("src", "test", "js", "graph-batch");

	private static final Path HOME = Path.of("target", "graph-js-client");

	private static final List<String> FILES = List.of("package.json", "package-lock.json", "batch.mjs");

	private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(2);

	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static GraphJsClient installed;

	private final Path node;

	private GraphJsClient(Path node) {
		this.node = node;
	}

	/** The client, installed if need be; skips the calling test (JUnit assumption) when it cannot be. */
	static synchronized GraphJsClient installed() throws IOException, InterruptedException {
		if (installed == null) {
			installed = install();
		}
		return installed;
	}

	private static GraphJsClient install() throws IOException, InterruptedException {
		Path node = onPath("node");
		Path npm = onPath("npm");
		if (node == null || npm == null) {
			skip("node and npm are not both on the PATH (" + System.getenv("PATH") + ")");
		}
		String version;
		try {
			version = run(List.of(node.toString(), "--version"), Map.of(), HOME.resolve("node-version.txt"),
					Duration.ofSeconds(30)).strip();
		}
		catch (IOException | AssertionError ex) {
			skip(node + " --version failed: " + ex.getMessage());
			return null;
		}
		if (!version.matches("v(1[89]|[2-9][0-9])\\..*")) {
			skip("Node.js " + version + " is older than 18 (no global fetch and Request)");
		}
		Files.createDirectories(HOME);
		for (String file : FILES) {
			Files.copy(SOURCE.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
		}
		Path installedLock = HOME.resolve("node_modules").resolve(".installed-package-lock.json");
		if (Files.exists(installedLock) && Files.mismatch(installedLock, HOME.resolve("package-lock.json")) == -1) {
			log.info("Graph JavaScript client already installed in {} (Node.js {})", HOME, version);
			return new GraphJsClient(node);
		}
		long started = System.nanoTime();
		Path npmLog = HOME.resolve("npm-ci.log");
		// one quick retry: without a registry (and nothing in npm's cache) npm would retry for over a minute
		Process ci = start(List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--prefer-offline",
				"--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000",
				"--fetch-timeout=30000"), Map.of(), npmLog, npmLog);
		boolean done = finished(ci, INSTALL_TIMEOUT);
		if (!done || ci.exitValue() != 0) {
			skip("npm ci " + (done ? "exited with " + ci.exitValue() : "did not finish within " + INSTALL_TIMEOUT)
					+ " (no registry, and nothing in npm's cache?): " + npmErrors(npmLog));
		}
		Files.copy(HOME.resolve("package-lock.json"), installedLock, StandardCopyOption.REPLACE_EXISTING);
		log.info("npm ci installed the Graph JavaScript client in {} ms (Node.js {})",
				Duration.ofNanos(System.nanoTime() - started).toMillis(), version);
		return new GraphJsClient(node);
	}

	/**
	 * Runs {@code script} (a file of {@code src/test/js/graph-batch}) with {@code environment} added to this JVM's and
	 * returns the JSON it prints; fails with its stderr when it exits with an error.
	 */
	JsonNode run(String script, Map<String, String> environment) throws IOException, InterruptedException {
		long started = System.nanoTime();
		String out = run(List.of(this.node.toString(), script), environment, HOME.resolve(script + ".out.json"),
				RUN_TIMEOUT);
		log.info("node {} answered in {} ms", script, Duration.ofNanos(System.nanoTime() - started).toMillis());
		return JSON.readTree(out);
	}

	/** Runs a command to its end: its stdout, or an AssertionError with its stderr. */
	private static String run(List<String> command, Map<String, String> environment, Path out, Duration timeout)
			throws IOException, InterruptedException {
		Files.createDirectories(HOME);
		Path err = Path.of(out + ".stderr.log");
		Process process = start(command, environment, out, err);
		if (!finished(process, timeout)) {
			throw new AssertionError(command + " did not finish within " + timeout + ": " + tail(err));
		}
		if (process.exitValue() != 0) {
			throw new AssertionError(command + " exited with " + process.exitValue() + ": " + tail(err));
		}
		return Files.readString(out);
	}

	private static Process start(List<String> command, Map<String, String> environment, Path out, Path err)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(HOME.toFile())
			.redirectOutput(out.toFile())
			.redirectError(err.toFile());
		builder.environment().putAll(environment);
		return builder.start();
	}

	/** Waits for the process; one still running at the deadline is killed (by its own handle, never by name). */
	private static boolean finished(Process process, Duration timeout) throws InterruptedException {
		if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			return true;
		}
		process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		return false;
	}

	private static Path onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (!dir.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static void skip(String reason) {
		log.warn("Graph JavaScript client test skipped: {}", reason);
		Assumptions.abort("Graph JavaScript client unavailable: " + reason);
	}

	/** The first lines npm printed as errors (their code and reason), on one line. */
	private static String npmErrors(Path log) {
		try (Stream<String> lines = Files.lines(log)) {
			return lines.filter((line) -> line.startsWith("npm error")).limit(4).collect(Collectors.joining(" / "));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no output in " + log + ")";
		}
	}

	private static String tail(Path file) {
		try {
			List<String> lines = Files.readAllLines(file);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no output in " + file + ")";
		}
	}
}
