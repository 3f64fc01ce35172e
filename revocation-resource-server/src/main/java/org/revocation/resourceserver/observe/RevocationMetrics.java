package org.revocation.resourceserver.observe;

import java.util.Objects;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.revocation.resourceserver.cutoff.CutoffSource;
import org.revocation.resourceserver.cutoff.LocalCutoffView;
import org.revocation.resourceserver.token.RevocationTokenValidator;

/**
 * The starter's meters, read from counters the validator and the view keep anyway (nothing is recorded per request
 * beyond a {@code LongAdder}):
 * <ul>
 * <li>{@code resource_server_refusals_total{reason="revoked"|"unavailable"}}: tokens refused (401 / 503)</li>
 * <li>{@code resource_server_view_lag_seconds}: how long ago the local view was last known complete (-1 before the
 * first catch-up)</li>
 * <li>{@code resource_server_view_users}, {@code resource_server_view_records_total},
 * {@code resource_server_view_invalid_records_total}</li>
 * </ul>
 */
public final class RevocationMetrics implements MeterBinder {

	private final RevocationTokenValidator validator;

	private final CutoffSource cutoffs;

	public RevocationMetrics(RevocationTokenValidator validator, CutoffSource cutoffs) {
		this.validator = Objects.requireNonNull(validator, "validator cannot be null");
		this.cutoffs = Objects.requireNonNull(cutoffs, "cutoffs cannot be null");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("resource.server.refusals", this.validator, RevocationTokenValidator::revokedRefusals)
			.tag("reason", "revoked")
			.description("Tokens refused because their session was revoked (401 with the claims challenge)")
			.register(registry);
		FunctionCounter
			.builder("resource.server.refusals", this.validator, RevocationTokenValidator::unavailableRefusals)
			.tag("reason", "unavailable")
			.description("Tokens refused because the user's cutoff could not be known (503)")
			.register(registry);
		if (this.cutoffs instanceof LocalCutoffView view) {
			Gauge.builder("resource.server.view.lag", view, RevocationMetrics::lagSeconds)
				.baseUnit("seconds")
				.description("How long ago the local revocation view was last known complete (-1: never)")
				.register(registry);
			Gauge.builder("resource.server.view.users", view, LocalCutoffView::users)
				.description("Cutoffs held by the local revocation view")
				.register(registry);
			FunctionCounter.builder("resource.server.view.records", view, LocalCutoffView::records)
				.description("Records read from the revocation topics")
				.register(registry);
			FunctionCounter.builder("resource.server.view.invalid.records", view, LocalCutoffView::invalidRecords)
				.description("Records of the revocation topics that were not valid events (skipped)")
				.register(registry);
		}
	}

	private static double lagSeconds(LocalCutoffView view) {
		long lag = view.lagMillis();
		return (lag == Long.MAX_VALUE) ? -1 : lag / 1000.0;
	}
}
