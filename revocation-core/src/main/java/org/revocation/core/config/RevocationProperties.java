package org.revocation.core.config;

import java.time.Duration;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What every service must agree on, under the prefix {@code revocation} (environment variables in the README).
 *
 * @param clockSkewAllowance added to a cutoff when checking (DESIGN.md section 2). The default is 1 second.
 * @param maxSessionLifetime the longest a session or refresh token may live; the events topic keeps events at least
 * this long (plus the allowance) so that a rebuild sees every cutoff that can still refuse a session. The default is
 * 90 days.
 * @param topic the revocation topic. The default is {@code revocation-events}.
 * @param directoryFile the directory JSON file; empty means the demo directory packaged with the services.
 * @param issuerBaseUrl the token issuer's base URL: tokens carry {@code iss = <base>/<tenant id>/v2.0}. The default is
 * {@code https://localhost:8443}.
 * @param redis where Redis is. The default is {@code localhost:6380}; {@code cluster-nodes} selects Redis Cluster.
 */
@ConfigurationProperties("revocation")
public record RevocationProperties(@DefaultValue("1s") Duration clockSkewAllowance,
		@DefaultValue("90d") Duration maxSessionLifetime, @DefaultValue("revocation-events") String topic,
		@DefaultValue("") String directoryFile, @DefaultValue("https://localhost:8443") String issuerBaseUrl,
		@DefaultValue Redis redis) {

	public RevocationProperties {
		Objects.requireNonNull(clockSkewAllowance, "revocation.clock-skew-allowance is required");
		Objects.requireNonNull(maxSessionLifetime, "revocation.max-session-lifetime is required");
		if (clockSkewAllowance.isNegative() || maxSessionLifetime.isNegative() || maxSessionLifetime.isZero()) {
			throw new IllegalArgumentException(
					"revocation.clock-skew-allowance must be >= 0 and revocation.max-session-lifetime > 0");
		}
		issuerBaseUrl = issuerBaseUrl.endsWith("/") ? issuerBaseUrl.substring(0, issuerBaseUrl.length() - 1)
				: issuerBaseUrl;
	}

	/**
	 * How long after a cutoff it can still refuse a session: the longest session lifetime plus the allowance. The events
	 * topic keeps events at least this long.
	 */
	public Duration cutoffLifetime() {
		return this.maxSessionLifetime.plus(this.clockSkewAllowance);
	}

	/** The issuer of tokens of a tenant: {@code <base>/<tenant id>/v2.0}. */
	public String issuer(String tenantId) {
		return this.issuerBaseUrl + "/" + tenantId + "/v2.0";
	}

	/**
	 * @param host Redis host. The default is {@code localhost}.
	 * @param port Redis port. The default is 6380 (not 6379, which a machine's own Redis often holds).
	 * @param timeout connect and read timeout. The default is 2 seconds.
	 * @param clusterNodes Redis Cluster seed nodes, {@code host:port,host:port}: when set, the services use Redis
	 * Cluster (and ignore host and port). The default is empty: one Redis at host:port.
	 * @param replicaWait on a cluster, how long the worker waits ({@code WAIT 1 <ms>}) for a replica to have a batch's
	 * writes before the batch counts as not applied. The default is 500 ms.
	 */
	public record Redis(@DefaultValue("localhost") String host, @DefaultValue("6380") int port,
			@DefaultValue("2s") Duration timeout, @DefaultValue("") String clusterNodes,
			@DefaultValue("500ms") Duration replicaWait) {

		/** Whether the services use Redis Cluster. */
		public boolean cluster() {
			return this.clusterNodes != null && !this.clusterNodes.isBlank();
		}
	}
}
