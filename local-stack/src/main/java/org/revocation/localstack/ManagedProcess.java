package org.revocation.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process with its own log file, stopped by PID: gracefully (SIGTERM) or, for chaos tests, killed (SIGKILL).
 */
public class ManagedProcess implements AutoCloseable {

	private final String name;

	private final List<String> command;

	private final Map<String, String> environment;

	private final Path logFile;

	private Process process;

	public ManagedProcess(String name, List<String> command, Map<String, String> environment, Path logFile) {
		this.name = name;
		this.command = List.copyOf(command);
		this.environment = Map.copyOf(environment);
		this.logFile = logFile;
	}

	/** Starts the process (the log file is truncated, so readiness checks read only this run). */
	public ManagedProcess start() {
		try {
			Files.createDirectories(this.logFile.toAbsolutePath().getParent());
			ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(this.logFile.toFile());
			builder.environment().putAll(this.environment);
			this.process = builder.start();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + this.name, ex);
		}
	}

	/** Waits until {@code ready} holds, failing fast when the process exits. */
	public ManagedProcess awaitReady(Duration timeout, BooleanSupplier ready) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (ready.getAsBoolean()) {
				return this;
			}
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + "; log: "
						+ this.logFile + "\n" + tail());
			}
			pause(100);
		}
		throw new IllegalStateException(this.name + " not ready after " + timeout + "; log: " + this.logFile + "\n" + tail());
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	public String name() {
		return this.name;
	}

	public Path logFile() {
		return this.logFile;
	}

	/** SIGKILL, then waits for the exit. */
	public void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			waitFor(Duration.ofSeconds(30));
		}
	}

	/** SIGTERM, then SIGKILL after the grace period. */
	public void stop(Duration grace) {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			if (!waitFor(grace)) {
				kill();
			}
		}
	}

	@Override
	public void close() {
		stop(Duration.ofSeconds(10));
	}

	public String tail() {
		try {
			List<String> lines = Files.readAllLines(this.logFile);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | RuntimeException ex) {
			return "(no log)";
		}
	}

	public String log() {
		try {
			return Files.readString(this.logFile);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private boolean waitFor(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
