package org.revocation.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import org.revocation.core.testing.MutableClock;
import org.revocation.gateway.config.GatewayProperties;
import org.revocation.gateway.graph.GraphException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CallerRateLimitTests {

	private static final Caller DAEMON = new Caller("t", "app", "app", false, Set.of(), Set.of("User.RevokeSessions.All"),
			null);

	private static final Caller OTHER = new Caller("t", "other", "other", false, Set.of(), Set.of(), null);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CallerRateLimit limit = new CallerRateLimit(properties(true, 2, 4), this.clock, this.meters);

	@Test
	void acquireWhenBurstSpentThen429WithRetryAfterAndOtherCallersUnaffected() {
		for (int i = 0; i < 4; i++) {
			this.limit.acquire(DAEMON);
		}
		GraphException throttled = catchThrowableOfType(GraphException.class, () -> this.limit.acquire(DAEMON));
		assertThat(throttled.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(throttled.code()).isEqualTo("TooManyRequests");
		assertThat(throttled.getMessage()).isEqualTo("Please retry again later.");
		assertThat(throttled.headers()).containsEntry("Retry-After", "1");
		assertThatNoException().isThrownBy(() -> this.limit.acquire(OTHER));
		assertThat(this.meters.get("gateway.requests.throttled").counter().count()).isEqualTo(1);
	}

	@Test
	void acquireWhenTimePassedThenBucketRefilledAtTheConfiguredRate() {
		for (int i = 0; i < 4; i++) {
			this.limit.acquire(DAEMON);
		}
		this.clock.advance(Duration.ofMillis(499)); // 0.998 tokens: still not one
		catchThrowableOfType(GraphException.class, () -> this.limit.acquire(DAEMON));
		this.clock.advance(Duration.ofMillis(1)); // one token at 2 per second
		assertThatNoException().isThrownBy(() -> this.limit.acquire(DAEMON));
		this.clock.advance(Duration.ofHours(1)); // never more than the burst
		for (int i = 0; i < 4; i++) {
			this.limit.acquire(DAEMON);
		}
		assertThat(catchThrowableOfType(GraphException.class, () -> this.limit.acquire(DAEMON))).isNotNull();
	}

	@Test
	void acquireWhenDisabledThenNeverThrottles() {
		CallerRateLimit off = new CallerRateLimit(properties(false, 1, 1), this.clock, this.meters);
		for (int i = 0; i < 100; i++) {
			off.acquire(DAEMON);
		}
	}

	private static GatewayProperties properties(boolean enabled, double perSecond, double burst) {
		return new GatewayProperties("http://localhost/keys", Duration.ofSeconds(5), Duration.ofSeconds(2),
				new GatewayProperties.RateLimit(enabled, perSecond, burst), Duration.ofMillis(250), 10_000, 10_000);
	}
}
