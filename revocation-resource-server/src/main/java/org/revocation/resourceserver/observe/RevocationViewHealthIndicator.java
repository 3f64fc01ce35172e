package org.revocation.resourceserver.observe;

import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import org.revocation.resourceserver.cutoff.CutoffSource;

/**
 * {@code revocationView} in the health endpoint: UP while cutoffs can be known, OUT_OF_SERVICE while tokens are being
 * refused with 503 (view not caught up or too far behind, Redis unreachable), so a load balancer can route around it.
 */
public final class RevocationViewHealthIndicator implements HealthIndicator {

	private final CutoffSource cutoffs;

	private final String mode;

	public RevocationViewHealthIndicator(CutoffSource cutoffs, String mode) {
		this.cutoffs = Objects.requireNonNull(cutoffs, "cutoffs cannot be null");
		this.mode = mode;
	}

	@Override
	public Health health() {
		CutoffSource.Status status = this.cutoffs.status();
		Health.Builder health = status.available() ? Health.up() : Health.outOfService();
		health.withDetail("mode", this.mode);
		if (status.lagMillis() != Long.MAX_VALUE) {
			health.withDetail("lagMillis", status.lagMillis());
		}
		if (status.users() >= 0) {
			health.withDetail("users", status.users());
		}
		if (status.reason() != null) {
			health.withDetail("reason", status.reason());
		}
		return health.build();
	}
}
