package org.revocation.gateway.revoke;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import org.revocation.core.event.AppliedOffsets;
import org.revocation.core.redis.CutoffScript;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pushed in-force completion (issue 17): a waiter completes from the worker's announcement of its partition's applied
 * offset; a missed announcement is caught by the safety-net poll (the watermark hash, or the waiter's own cutoff); a
 * worker that is down still makes the answer late and counted.
 */
class InForceWaiterTests {

	private static final TestRedis redisServer = TestRedis.start();

	private static final String KEY = AppliedOffsets.redisKeyOf("revocation-events");

	private static final Instant CUTOFF = Instant.parse("2026-12-07T03:00:00.123Z");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private RedisClient redis;

	private InForceWaiter waiter;

	@AfterAll
	static void stop() {
		redisServer.close();
	}

	@BeforeEach
	void redis() {
		this.redis = redisServer.client();
		this.redis.flushAll();
	}

	@AfterEach
	void close() {
		if (this.waiter != null) {
			this.waiter.destroy();
		}
		this.redis.close();
	}

	@Test
	void awaitInForceWhenAnnouncedThenCompletesInForceAndNoneLate() {
		this.waiter = waiter(Duration.ofSeconds(30), Duration.ofHours(1));
		CompletableFuture<Boolean> first = waitFor(3, 41);
		CompletableFuture<Boolean> second = waitFor(3, 42);
		CompletableFuture<Boolean> otherPartition = waitFor(4, 41);
		this.waiter.applied(3, 41);
		assertThat(first).isCompletedWithValue(true);
		assertThat(second).isNotDone();
		assertThat(otherPartition).isNotDone();
		this.waiter.applied(3, 50);
		this.waiter.applied(4, 45);
		assertThat(second).isCompletedWithValue(true);
		assertThat(otherPartition).isCompletedWithValue(true);
		assertThat(this.waiter.waiting()).isZero();
		assertThat(late()).isZero();
	}

	@Test
	void awaitInForceWhenAnnouncementArrivedBeforeTheAckThenCompletesAtOnce() {
		this.waiter = waiter(Duration.ofSeconds(30), Duration.ofHours(1));
		this.waiter.applied(0, 100);
		this.waiter.applied(0, 7); // an older announcement never lowers the watermark
		assertThat(waitFor(0, 99)).isCompletedWithValue(true);
		assertThat(waitFor(0, 101)).isNotDone();
	}

	@Test
	void awaitInForceWhenAnnouncementMissedThenSafetyNetCompletesWithinItsInterval() {
		this.waiter = waiter(Duration.ofSeconds(30), Duration.ofMillis(200));
		CompletableFuture<Boolean> answer = waitFor(2, 10);
		// the worker's record to the topic was lost; its watermark hash was written
		this.redis.eval(AppliedOffsets.MAX_MERGE_SCRIPT, List.of(KEY), List.of("2", "10"));
		long written = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
		assertThat(answer).isCompletedWithValue(true);
		// one interval, plus slack for a loaded machine; far below the 30 s bound
		assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofSeconds(3));
		assertThat(late()).isZero();
	}

	@Test
	void awaitInForceWhenWorkerAnnouncesNothingButWroteTheCutoffThenSafetyNetCompletes() {
		this.waiter = waiter(Duration.ofSeconds(30), Duration.ofMillis(200));
		CompletableFuture<Boolean> answer = waitFor(0, 5);
		new CutoffScript().apply(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id(), CUTOFF);
		await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
		assertThat(answer).isCompletedWithValue(true);
		assertThat(late()).isZero();
	}

	@Test
	void awaitInForceWhenRedisClusterAndOnlyTheCutoffIsThereThenNotInForceUntilTheWatermark() {
		// on Redis Cluster a master may hold a cutoff no replica has yet: only the worker's watermark (after WAIT) counts
		this.waiter = new InForceWaiter(this.redis, Duration.ofSeconds(3), Duration.ofMillis(100), KEY, false,
				this.meters);
		CompletableFuture<Boolean> unreplicated = waitFor(0, 5);
		new CutoffScript().apply(this.redis, DemoTenant.CONTOSO, DemoTenant.BOB.id(), CUTOFF);
		await().atMost(Duration.ofSeconds(10)).until(unreplicated::isDone);
		assertThat(unreplicated).isCompletedWithValue(false);
		assertThat(late()).isEqualTo(1.0);
		CompletableFuture<Boolean> replicated = waitFor(0, 6);
		this.redis.eval(AppliedOffsets.MAX_MERGE_SCRIPT, List.of(KEY), List.of("0", "6"));
		await().atMost(Duration.ofSeconds(5)).until(replicated::isDone);
		assertThat(replicated).isCompletedWithValue(true);
	}

	@Test
	void awaitInForceWhenWorkerDownThenAnsweredAfterTheBoundAndCountedLate() {
		this.waiter = waiter(Duration.ofMillis(300), Duration.ofMillis(100));
		long started = System.nanoTime();
		CompletableFuture<Boolean> answer = waitFor(1, 1);
		await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
		assertThat(answer).isCompletedWithValue(false);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(late()).isEqualTo(1.0);
		this.waiter.applied(1, 1); // a late announcement completes nothing twice
		assertThat(late()).isEqualTo(1.0);
		assertThat(this.waiter.waiting()).isZero();
	}

	@Test
	void awaitInForceWhenThousandsWaitThenOneAnnouncementCompletesThemAll() {
		this.waiter = waiter(Duration.ofSeconds(30), Duration.ofHours(1));
		List<CompletableFuture<Boolean>> answers = new java.util.ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			answers.add(waitFor(i % 12, i));
		}
		for (int partition = 0; partition < 12; partition++) {
			this.waiter.applied(partition, 5_000);
		}
		assertThat(answers).allSatisfy((answer) -> assertThat(answer).isCompletedWithValue(true));
	}

	private CompletableFuture<Boolean> waitFor(int partition, long offset) {
		return this.waiter.awaitInForce(DemoTenant.CONTOSO, DemoTenant.BOB.id(), CUTOFF, "request-" + offset, partition,
				offset);
	}

	private InForceWaiter waiter(Duration timeout, Duration pollInterval) {
		return new InForceWaiter(this.redis, timeout, pollInterval, KEY, this.meters);
	}

	private double late() {
		return this.meters.counter("gateway.revocations.late").count();
	}
}
