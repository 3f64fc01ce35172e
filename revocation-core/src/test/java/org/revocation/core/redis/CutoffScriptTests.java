package org.revocation.core.redis;

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

	private static TestRedis server;

	private static RedisClient redis;

	private final CutoffScript script = new CutoffScript();

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
		ViewMarkers.markComplete(redis);
	}

	@Test
	void applyWhenFirstCutoffThenWrittenInTheUsersBucketWithoutExpiry() {
		assertThat(apply(T0)).isTrue();
		RedisKeys.Slot slot = RedisKeys.cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id());
		assertThat(slot.key()).matches("rsv:u:\\{[0-9a-f]{2}\\}:" + DemoTenant.CONTOSO + ":[0-9a-f]{1,3}");
		assertThat(slot.field()).isEqualTo(DemoTenant.BOB.id().toLowerCase(java.util.Locale.ROOT));
		assertThat(redis.hget(slot.key(), slot.field())).isEqualTo(Long.toString(T0.toEpochMilli()));
		assertThat(redis.ttl(slot.key())).isEqualTo(-1);
		assertThat(reader().validFrom(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0);
	}

	@Test
	void applyWhenManyUsersThenBucketsStaySmallCompactHashes() {
		String tenant = DemoTenant.CONTOSO;
		int users = 20_000;
		try (redis.clients.jedis.AbstractPipeline pipeline = redis.pipelined()) {
			for (int i = 0; i < users; i++) {
				String user = java.util.UUID.nameUUIDFromBytes(("user-" + i).getBytes()).toString();
				pipeline.eval(CutoffScript.SOURCE, this.script.keys(tenant, user), this.script.args(tenant, user, T0));
			}
			pipeline.sync();
		}
		java.util.Set<String> buckets = redis.keys("rsv:u:*:" + tenant + ":*");
		assertThat(buckets.size()).isBetween(RedisKeys.BUCKETS - 100, RedisKeys.BUCKETS); // ~30 stay empty by chance
		for (String bucket : buckets) {
			assertThat(redis.hlen(bucket)).isLessThan(40); // ~5 per bucket: far below the 128 of a compact hash
			assertThat(redis.objectEncoding(bucket)).isIn("ziplist", "listpack");
		}
	}

	@Test
	void applyWhenDuplicateThenNothingChanges() {
		apply(T0);
		assertThat(apply(T0)).isFalse();
		assertThat(reader().cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0);
	}

	@Test
	void applyWhenOlderCutoffAfterNewerThenMaximumKept() {
		apply(T0.plusMillis(500));
		assertThat(apply(T0)).isFalse();
		assertThat(reader().cutoff(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0.plusMillis(500));
		assertThat(reader().validFrom(DemoTenant.CONTOSO, DemoTenant.BOB.id())).contains(T0.plusMillis(500));
	}

	@Test
	void cutoffWhenMarkerMissingThenUnavailable() {
		ViewMarkers.clear(redis);
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
		assertThatThrownBy(() -> RedisKeys.cutoff(DemoTenant.CONTOSO, "bob@contoso.test"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private boolean apply(Instant cutoff) {
		return this.script.apply(redis, DemoTenant.CONTOSO, DemoTenant.BOB.id(), cutoff);
	}

	private static CutoffReader reader() {
		return new CutoffReader(redis);
	}
}
