package org.revocation.resourceserver.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.security.oauth2.jwt.Jwt;

import org.revocation.core.rule.RevocationRule;
import org.revocation.core.testing.DemoTenant;
import org.revocation.resourceserver.cutoff.LocalCutoffView;
import org.revocation.resourceserver.token.RevocationTokenValidator;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationMetricsTests {

	@Test
	void bindToWhenViewNeverCaughtUpThenLagMinusOneRefusalsCountedAndHealthOutOfService() {
		LocalCutoffView view = new LocalCutoffView(() -> {
			throw new IllegalStateException("never started");
		}, "revocation-events-valid-from", "revocation-events", Duration.ofHours(1), Duration.ofSeconds(5),
				Clock.systemUTC());
		RevocationTokenValidator validator = new RevocationTokenValidator(view, new RevocationRule(Duration.ofSeconds(1)));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new RevocationMetrics(validator, view).bindTo(registry);

		Jwt token = Jwt.withTokenValue("t")
			.header("alg", "RS256")
			.claim("idtyp", "user")
			.claim("tid", DemoTenant.CONTOSO)
			.claim("oid", DemoTenant.BOB.id())
			.claim("auth_time_ms", Instant.now().toEpochMilli())
			.build();
		assertThat(validator.validate(token).hasErrors()).isTrue();

		assertThat(registry.get("resource.server.refusals").tag("reason", "unavailable").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("resource.server.refusals").tag("reason", "revoked").functionCounter().count()).isZero();
		assertThat(registry.get("resource.server.view.lag").gauge().value()).isEqualTo(-1);
		assertThat(registry.get("resource.server.view.users").gauge().value()).isZero();
		assertThat(new RevocationViewHealthIndicator(view, "local-view").health().getStatus())
			.isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(view.status().reason()).contains("not caught up");
		assertThat(Optional.of(view.users())).contains(0);
	}
}
