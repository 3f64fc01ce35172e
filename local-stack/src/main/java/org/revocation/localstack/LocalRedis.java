package org.revocation.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} process on loopback: the one on the PATH if there is one, else the binary shipped in the
 * embedded-redis artifact from Maven Central (unpacked into {@code local-stack/target/redis}).
 */
public final class LocalRedis {

	private final Path binary;

	private final Path dir;

	private final int port;

	private final boolean durable;

	private final List<String> extraArguments;

	private ManagedProcess process;

	public LocalRedis(Path binary, Path dir, int port, boolean durable) {
		this(binary, dir, port, durable, List.of());
	}

	/** @param extraArguments more {@code redis-server} arguments (for example {@code --cluster-enabled yes}) */
	public LocalRedis(Path binary, Path dir, int port, boolean durable, List<String> extraArguments) {
		this.binary = binary;
		this.dir = dir;
		this.port = port;
		this.durable = durable;
		this.extraArguments = List.copyOf(extraArguments);
	}

	/** {@code redis-server} on the PATH, else the shipped binary in {@code redisDir}. */
	public static Path findBinary(Path redisDir) {
		for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(entry, "redis-server");
			if (!entry.isEmpty() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		Path shipped = redisDir.resolve("redis-server-6.2.6-v5-linux-amd64");
		shipped.toFile().setExecutable(true);
		return shipped;
	}

	public int port() {
		return this.port;
	}

	public LocalRedis start() {
		try {
			Files.createDirectories(this.dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--dir", this.dir.toAbsolutePath().toString(), "--save", ""));
		if (this.durable) {
			command.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
		}
		else {
			command.addAll(List.of("--appendonly", "no"));
		}
		command.addAll(this.extraArguments);
		this.process = new ManagedProcess("redis", command, Map.of(), this.dir.resolve("redis.log")).start();
		this.process.awaitReady(Duration.ofSeconds(20), this::ping);
		return this;
	}

	public boolean ping() {
		return "+PONG".equals(command("PING"));
	}

	/** Sends one inline command and returns the first reply line (test helper; no client library needed). */
	public String command(String inline) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** SIGKILL. */
	public void kill() {
		this.process.kill();
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	public void stop() {
		if (this.process != null) {
			this.process.stop(Duration.ofSeconds(10));
		}
	}
}
