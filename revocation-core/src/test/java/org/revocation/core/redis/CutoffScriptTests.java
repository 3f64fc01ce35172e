package org.revocation.core.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The max-merge script against a real redis-server. */
class CutoffScriptTests {

	private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123Z");

	private static final Duration LIFETIME = Duration.ofDays(90);

	private static TestRedis server;

	private static RedisClient redis;

	private final CutoffScript script = new CutoffScript(LIFETIME);

	@BeforeAll
	static void startRedis() {
		server = TestRedis.start();
		redis = server.client();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
		server.close();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
		redis.set(RedisKeys.VIEW_COMPLETE_MARKER, "1");
	}

	@Test
	void applyWhenFirstCutoffThenWrittenWithExpiryAtCutoffPlusLifetime() {
		assertThat(apply(T0, T0)).isTrue();
		String key = RedisKeys.cutoffKey(DemoTenant.CONTOSO, DemoTenant.BOB.id());
		assertThat(redis.get(key)).isEqualTo(Long.toString(T0.toEpochMilli()));
		// PEXPIRETIME needs Redis 7; the PTTL seen from the server's clock must land on cutoff + lifetime
		long expectedTtl = T0.plus(LIFETIME).toEpochMilli() - System.currentTimeMillis();
		assertThat(redis.pttl(key)).isBetween(expectedTtl - 5_000, expectedTtl + 5_000);
		assertThat(redis.ttl(RedisKeys.validFromKey(DemoTenant.CONTOSO, DemoTenant.BOB.id()))).isEqualTo(-1);
	}

	@Test
	void applyWhenDuplicateThenNothingChanges() {
		apply(T0, T0);
		assertThat(apply(T0, T0.plusSeconds(3))).isFalse();
		assertThat(reader().cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0);
	}

	@Test
	void applyWhenOlderCutoffAfterNewerThenMaximumKept() {
		apply(T0.plusMillis(500), T0);
		assertThat(apply(T0, T0)).isFalse();
		assertThat(reader().cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0.plusMillis(500));
		assertThat(reader().validFrom(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0.plusMillis(500));
	}

	@Test
	void applyWhenCutoffOlderThanLifetimeThenOnlyDurableRecordWritten() {
		Instant now = T0.plus(LIFETIME).plusSeconds(1);
		assertThat(apply(T0, now)).isTrue();
		assertThat(redis.exists(RedisKeys.cutoffKey(DemoTenant.CONTOSO, DemoTenant.BOB.id()))).isFalse();
		assertThat(reader().validFrom(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0);
	}

	@Test
	void cutoffWhenMarkerMissingThenUnavailable() {
		redis.del(RedisKeys.VIEW_COMPLETE_MARKER);
		assertThatThrownBy(() -> reader().cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id()))
			.isInstanceOf(CutoffUnavailableException.class);
	}

	@Test
	void cutoffWhenNeverRevokedThenEmpty() {
		assertThat(reader().cutoff(DemoTenant.CONTOSO, DemoTenant.CAROL.id())).isEqualTo(Optional.empty());
	}

	@Test
	void cutoffWhenRedisDownThenUnavailable() {
		try (RedisClient nowhere = RedisClient.create("127.0.0.1", TestRedis.freePort())) {
			assertThatThrownBy(() -> new CutoffReader(nowhere).cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id()))
				.isInstanceOf(CutoffUnavailableException.class);
		}
	}

	@Test
	void cutoffKeyWhenUserIdIsNotAGuidThenRefused() {
		assertThatThrownBy(() -> RedisKeys.cutoffKey(DemoTenant.CONTOSO, "bob@contoso.test"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private boolean apply(Instant cutoff, Instant now) {
		return this.script.apply(redis, DemoTenant.CONTOSO, DemoTenant.BOB.id(), cutoff, now);
	}

	private static CutoffReader reader() {
		return new CutoffReader(redis);
	}
}
