package org.revocation.gateway.admin;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The administrator's console, prefix {@code gateway.console}.
 *
 * @param enabled whether {@code /admin} is served (and the revocation history is read from Kafka). The default is true.
 * @param authority the token-checker's base URL, for the browser (sign-in page) and for the code exchange. Empty (the
 * default) means the origin of {@code gateway.jwks-uri}.
 * @param tenant the tenant administrators sign in to (id or domain). The default is the demo's {@code contoso.test}.
 * @param clientId the console's public client in the directory (PKCE S256, no secret). The default is the demo's
 * {@code revocation-console}.
 * @param redirectUri the callback the token-checker sends the code to. Empty (the default) means
 * {@code http://localhost:<this port>/admin/callback}, which the demo client's {@code http://localhost} redirect URI
 * matches on any port.
 * @param workerMetricsUri the revocation-worker's Prometheus endpoint, for the health panel. The default is
 * {@code http://localhost:8082/actuator/prometheus}, as {@code run-local.sh} starts it.
 * @param historyPerUser how many recent revocations are kept per user. The default is 20.
 * @param historyUsers how many users' histories are kept (least recently updated are dropped). The default is 100,000.
 * @param pageSize users per search page. The default is 10.
 * @param healthInterval how often the health panel samples the metrics while someone watches it. The default is 3 s.
 */
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(@DefaultValue("true") boolean enabled, @DefaultValue("") String authority,
		@DefaultValue("contoso.test") String tenant,
		@DefaultValue("1e4f0e7c-0735-4627-a2dc-6ac202f640ac") String clientId, @DefaultValue("") String redirectUri,
		@DefaultValue("http://localhost:8082/actuator/prometheus") String workerMetricsUri,
		@DefaultValue("20") int historyPerUser, @DefaultValue("100000") long historyUsers,
		@DefaultValue("10") int pageSize, @DefaultValue("3s") Duration healthInterval) {
}
