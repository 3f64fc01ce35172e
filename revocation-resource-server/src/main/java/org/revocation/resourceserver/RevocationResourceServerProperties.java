package org.revocation.resourceserver;

import java.time.Duration;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.RevocationTopics;
import org.revocation.core.rule.RevocationRule;

/**
 * The starter's settings, under the prefix {@code revocation.resource-server}.
 *
 * @param enabled whether the auto-configured {@code JwtDecoder} also refuses tokens of revoked sessions. The default
 * is {@code true}.
 * @param mode where cutoffs come from: {@code local-view} (the revocation topics, read into memory) or {@code redis}
 * (the pipeline's Redis, one round trip per token). The default is {@code local-view}.
 * @param bootstrapServers the Kafka brokers of the local view; empty means {@code spring.kafka.bootstrap-servers},
 * then {@code localhost:9092}.
 * @param topic the revocation events topic. The default is {@code revocation-events}.
 * @param validFromTopic the compacted topic of each user's latest cutoff; empty means {@code <topic>-valid-from}.
 * @param eventsLookback how far back the local view reads the events topic at start (older cutoffs are in the
 * valid-from topic, which it reads whole). The default is 1 hour.
 * @param maxLag how far behind the topics the local view may fall (Kafka unreachable, not yet caught up) before tokens
 * are refused with 503. The default is 5 seconds.
 * @param clockSkewAllowance added to a cutoff when checking, as everywhere in the pipeline (DESIGN.md section 2). The
 * default is 1 second.
 * @param retryAfter the {@code Retry-After} of a 503 while cutoffs cannot be known. The default is 1 second.
 * @param redis where Redis is, for mode {@code redis}. The default is {@code localhost:6380}.
 */
@ConfigurationProperties("revocation.resource-server")
public record RevocationResourceServerProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("local-view") Mode mode, @DefaultValue("") String bootstrapServers,
		@DefaultValue(RevocationTopics.EVENTS) String topic, @DefaultValue("") String validFromTopic,
		@DefaultValue("1h") Duration eventsLookback, @DefaultValue("5s") Duration maxLag,
		@DefaultValue("1s") Duration clockSkewAllowance, @DefaultValue("1s") Duration retryAfter,
		@DefaultValue RevocationProperties.Redis redis) {

	/** Where cutoffs come from. */
	public enum Mode {

		/** The revocation topics, consumed into memory: no round trip per token. */
		LOCAL_VIEW,

		/** The pipeline's Redis view, read for every delegated token. */
		REDIS

	}

	public RevocationResourceServerProperties {
		Objects.requireNonNull(mode, "revocation.resource-server.mode is required");
		if (eventsLookback.isNegative() || maxLag.isNegative() || maxLag.isZero() || clockSkewAllowance.isNegative()
				|| retryAfter.isNegative()) {
			throw new IllegalArgumentException("revocation.resource-server: events-lookback, clock-skew-allowance and "
					+ "retry-after must be >= 0, max-lag > 0");
		}
		if (topic.isBlank()) {
			throw new IllegalArgumentException("revocation.resource-server.topic cannot be empty");
		}
	}

	/** The compacted valid-from topic: as configured, else {@code <topic>-valid-from}. */
	public String effectiveValidFromTopic() {
		return this.validFromTopic.isBlank() ? this.topic + "-valid-from" : this.validFromTopic;
	}

	/** The {@code Retry-After} header value: whole seconds, at least 1. */
	public long retryAfterSeconds() {
		return Math.max(1, (this.retryAfter.toMillis() + 999) / 1000);
	}

	public RevocationRule rule() {
		return new RevocationRule(this.clockSkewAllowance);
	}
}
