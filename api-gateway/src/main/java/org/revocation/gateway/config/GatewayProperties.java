package org.revocation.gateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's own settings, prefix {@code gateway}.
 *
 * @param jwksUri the token-checker's published keys. The default is
 * {@code http://localhost:8081/common/discovery/v2.0/keys}.
 * @param kafkaSendTimeout how long a revocation waits for the broker's ack before answering 503. The default is 5 s.
 * @param inForceTimeout how long, after the ack, a revocation waits for the worker's write to be visible before
 * answering 200 anyway (counted as late). The default is 2 s.
 * @param rateLimit the per-caller limit
 * @param inForcePollInterval how often the safety net reads what the worker applied, for an announcement that did not
 * arrive (issue 17). The default is 250 ms.
 * @param maxWaitingRevocations how many revocations may be published or waiting to be in force at once; beyond it a
 * revocation is answered 503 with Retry-After, so an overload cannot grow the heap. The default is 10,000.
 * @param tokenCacheSize how many access tokens whose signature verified are remembered (issuer, audience and expiry
 * are still checked on every call). The default is 10,000; 0 turns it off.
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(@DefaultValue("http://localhost:8081/common/discovery/v2.0/keys") String jwksUri,
		@DefaultValue("5s") Duration kafkaSendTimeout, @DefaultValue("2s") Duration inForceTimeout,
		@DefaultValue RateLimit rateLimit, @DefaultValue("250ms") Duration inForcePollInterval,
		@DefaultValue("10000") int maxWaitingRevocations, @DefaultValue("10000") long tokenCacheSize) {

	/**
	 * A token bucket per caller (application, or user of an application, in a tenant): {@code requestsPerSecond}
	 * refill, {@code burst} capacity. Above it the gateway answers 429 {@code TooManyRequests} with
	 * {@code Retry-After}, as Graph throttles. The defaults (20,000/s, burst 40,000) are far above what one caller
	 * needs and what the benchmarks offer.
	 *
	 * @param enabled whether callers are limited. The default is true.
	 * @param requestsPerSecond the sustained rate allowed per caller
	 * @param burst how many requests a caller may send at once after being idle
	 */
	public record RateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("20000") double requestsPerSecond,
			@DefaultValue("40000") double burst) {
	}
}
