package org.revocation.ssf.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The transmitter's own settings, prefix {@code ssf} (environment variables in the README).
 *
 * @param issuerBaseUrl the transmitter's base URL: the issuer of tenant T is {@code <base>/<T>}, its metadata at
 * {@code <base>/.well-known/ssf-configuration/<T>}. The default is {@code http://localhost:8083}.
 * @param jwksUri the token-checker's published keys, which sign the app tokens that manage streams. The default is
 * {@code http://localhost:8081/common/discovery/v2.0/keys}.
 * @param signingKeysFile a JWK set file with the RSA private key that signs the SETs; generated at first start when
 * it does not exist. Empty (the default) means a key generated in memory at every start (receivers then re-read
 * the JWKS after a restart).
 * @param consumerGroup the transmitter's own consumer group on the revocation topic. The default is
 * {@code ssf-transmitter}.
 * @param streamsTopic the log-compacted topic that keeps the streams (key stream id). The default is
 * {@code ssf-streams}.
 * @param deadLetterTopic where a stream's SETs go after the delivery bound, with the reason. The default is
 * {@code ssf-deliveries-dlt}.
 * @param giveUpAfter how long a SET may stay undelivered (push: failing, from its first failure; poll: not
 * acknowledged, from when it was queued), measured on the injected clock, before it goes to the dead-letter topic
 * with the reason and the stream moves on. The default is 24 hours.
 * @param maxPending above this many undelivered SETs in all streams together, the transmitter stops reading the
 * revocation topic until receivers catch up. The default is 1,000,000.
 * @param push push delivery (RFC 8935)
 * @param poll poll delivery (RFC 8936)
 */
@ConfigurationProperties("ssf")
public record SsfProperties(@DefaultValue("http://localhost:8083") String issuerBaseUrl,
		@DefaultValue("http://localhost:8081/common/discovery/v2.0/keys") String jwksUri,
		@DefaultValue("") String signingKeysFile, @DefaultValue("ssf-transmitter") String consumerGroup,
		@DefaultValue("ssf-streams") String streamsTopic, @DefaultValue("ssf-deliveries-dlt") String deadLetterTopic,
		@DefaultValue("24h") Duration giveUpAfter, @DefaultValue("1000000") int maxPending, @DefaultValue Push push, @DefaultValue Poll poll) {

	/** The permission (an application permission, in the app token's {@code roles}) that manages streams. */
	public static final String PERMISSION = "SharedSignals.ReadWrite.All";

	public SsfProperties {
		issuerBaseUrl = issuerBaseUrl.endsWith("/") ? issuerBaseUrl.substring(0, issuerBaseUrl.length() - 1)
				: issuerBaseUrl;
		if (maxPending <= 0) {
			throw new IllegalArgumentException("ssf.max-pending must be > 0");
		}
	}

	/** The transmitter's issuer for a tenant: {@code <base>/<tenant id>}. */
	public String issuer(String tenantId) {
		return this.issuerBaseUrl + "/" + tenantId;
	}

	/**
	 * @param initialBackOff the wait after a first failed push; it doubles on every failure. The default is 1 s.
	 * @param maxBackOff the longest wait between two pushes of one SET. The default is 5 minutes.
	 * @param requestTimeout connect and response timeout of one push. The default is 5 s.
	 * @param concurrency pushes in flight at once per stream, each for other subjects (a subject's SETs always go
	 * one after the other, in order). The default is 8.
	 */
	public record Push(@DefaultValue("1s") Duration initialBackOff, @DefaultValue("5m") Duration maxBackOff,
			@DefaultValue("5s") Duration requestTimeout, @DefaultValue("8") int concurrency) {

		public Push {
			if (concurrency < 1) {
				throw new IllegalArgumentException("ssf.push.concurrency must be >= 1");
			}
		}
	}

	/**
	 * @param maxWait the longest a poll with {@code returnImmediately=false} waits for a SET. The default is 30 s.
	 * @param redeliverAfter a SET handed out and not acknowledged is handed out again after this long. The default
	 * is 60 s.
	 */
	public record Poll(@DefaultValue("30s") Duration maxWait, @DefaultValue("60s") Duration redeliverAfter) {
	}
}
