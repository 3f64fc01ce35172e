package org.revocation.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the three services as its own JVM ({@code java -jar}, with the build's start-up cache when this JVM made one:
 * {@link StartupCache}), ready when {@code /actuator/health} says UP.
 */
public final class ServiceProcess {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ManagedProcess process;

	private final int port;

	/**
	 * The JVM options of the services: the system property {@value #JVM_OPTIONS_PROPERTY}, by default
	 * {@value #TEST_JVM_OPTIONS} (quick to start, for tests; the benchmarks run with full JIT compilation).
	 */
	public static final String JVM_OPTIONS_PROPERTY = "localstack.service-jvm-options";

	static final String TEST_JVM_OPTIONS = "-Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k";

	public ServiceProcess(String name, Path jar, int port, Map<String, String> environment, Path logFile) {
		this.port = port;
		List<String> command = new ArrayList<>();
		command.add(LocalKafka.java());
		command.addAll(List.of(System.getProperty(JVM_OPTIONS_PROPERTY, TEST_JVM_OPTIONS).trim().split("\\s+")));
		command.addAll(StartupCache.launchArguments(jar));
		this.process = new ManagedProcess(name, command, environment, logFile);
	}

	public ServiceProcess start() {
		this.process.start();
		return this;
	}

	public ServiceProcess awaitHealthy(Duration timeout) {
		this.process.awaitReady(timeout, this::isHealthy);
		return this;
	}

	public boolean isHealthy() {
		return isHealthy(this.port);
	}

	public static boolean isHealthy(int port) {
		try {
			HttpResponse<String> response = HTTP.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
						.timeout(Duration.ofSeconds(2))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().contains("\"UP\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public int port() {
		return this.port;
	}

	public ManagedProcess process() {
		return this.process;
	}

	public void kill() {
		this.process.kill();
	}

	public void stop() {
		this.process.stop(Duration.ofSeconds(15));
	}
}
