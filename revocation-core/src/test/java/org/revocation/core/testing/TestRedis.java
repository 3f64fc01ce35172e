package org.revocation.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import org.springframework.test.context.DynamicPropertyRegistry;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} process on a random free loopback port, for integration tests (never the machine's own
 * Redis). Uses the binary shipped in the embedded-redis artifact from Maven Central.
 */
public final class TestRedis implements AutoCloseable {

	private final int port;

	private RedisServer server;

	private TestRedis(int port) {
		this.port = port;
	}

	public static TestRedis start() {
		TestRedis redis = new TestRedis(freePort());
		redis.startServer();
		return redis;
	}

	private void startServer() {
		try {
			this.server = RedisServer.newRedisServer()
				.port(this.port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Points a Spring test context's {@code revocation.redis.*} at this server. */
	public void register(DynamicPropertyRegistry registry) {
		registry.add("revocation.redis.host", () -> "127.0.0.1");
		registry.add("revocation.redis.port", this::port);
	}

	public int port() {
		return this.port;
	}

	public RedisClient client() {
		return RedisClient.create("127.0.0.1", this.port);
	}

	/** Stops the server (its data is lost). */
	public void stop() {
		try {
			if (this.server != null) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts an empty server again on the same port. */
	public void restart() {
		stop();
		startServer();
	}

	@Override
	public void close() {
		stop();
	}

	/** The raw value Redis holds for a user's cutoff (epoch ms as text), or null: what the worker wrote. */
	public static String rawCutoff(redis.clients.jedis.UnifiedJedis redis, String tenantId, String userId) {
		org.revocation.core.redis.RedisKeys.Slot slot = org.revocation.core.redis.RedisKeys.cutoff(tenantId, userId);
		return redis.hget(slot.key(), slot.field());
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
