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
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(@DefaultValue("http://localhost:8081/common/discovery/v2.0/keys") String jwksUri,
		@DefaultValue("5s") Duration kafkaSendTimeout, @DefaultValue("2s") Duration inForceTimeout) {
}
