package org.revocation.worker.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.redis.RedisKeys;
import org.revocation.core.redis.ViewMarkers;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The batch writer against a real Redis: pipelined EVALSHA, the script reloaded after a flush, what it reports. */
class CutoffWriterTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123Z");

	private final RedisClient redis = redisServer.client();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CutoffWriter writer = new CutoffWriter(this.redis,
			Clock.fixed(T0.plusMillis(250), ZoneOffset.UTC), this.meters, Duration.ofMillis(500));

	@BeforeEach
	void emptyRedis() {
		this.redis.flushAll();
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void applyWhenOutOfOrderAndDuplicatesThenLatestHoldsEachUsersMaximumOnce() {
		ViewMarkers.markComplete(this.redis);
		RevocationEvent newer = revocation(DemoTenant.BOB, T0.plusMillis(100));
		List<RevocationEvent> batch = List.of(revocation(DemoTenant.BOB, T0), newer,
				revocation(DemoTenant.BOB, T0.plusMillis(50)), newer, revocation(DemoTenant.CAROL, T0));
		CutoffWriter.Applied applied = this.writer.apply(batch);
		this.writer.recordApplied(batch, true);

		assertThat(applied.viewComplete()).isTrue();
		assertThat(applied.latest()).extracting(RevocationEvent::userId, RevocationEvent::validFrom)
			.containsExactly(tuple(DemoTenant.BOB.id(), T0.plusMillis(100)),
					tuple(DemoTenant.CAROL.id(), T0));
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id()))
			.isEqualTo(Long.toString(T0.plusMillis(100).toEpochMilli()));
		assertThat(this.meters.get("revocation.events.applied").counter().count()).isEqualTo(5);
		// propagation delay from acceptedAt (= validFrom here) to the injected clock's "written" instant
		assertThat(this.meters.get("revocation.propagation.delay").timer().max(TimeUnit.MILLISECONDS))
			.isEqualTo(250);
	}

	@Test
	void applyWhenOlderThanTheDurableCutoffThenNotLatest() {
		this.writer.apply(List.of(revocation(DemoTenant.BOB, T0.plusSeconds(1))));
		CutoffWriter.Applied applied = this.writer.apply(List.of(revocation(DemoTenant.BOB, T0)));
		assertThat(applied.latest()).isEmpty();
		assertThat(applied.viewComplete()).isFalse(); // no marker
	}

	@Test
	void applyWhenRedisForgotTheScriptThenLoadsItAndWritesTheBatch() {
		this.redis.scriptFlush();
		this.writer.apply(List.of(revocation(DemoTenant.HENRY, T0)));
		assertThat(TestRedis.rawCutoff(this.redis, DemoTenant.CONTOSO, DemoTenant.HENRY.id()))
			.isEqualTo(Long.toString(T0.toEpochMilli()));
	}

	private static RevocationEvent revocation(DemoTenant.User user, Instant validFrom) {
		return RevocationEvent.accepted(user.tenantId(), user.id(), validFrom,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req", "client-req");
	}
}
