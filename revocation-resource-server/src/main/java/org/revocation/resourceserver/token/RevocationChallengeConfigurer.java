package org.revocation.resourceserver.token;

import java.util.Objects;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;

/**
 * Installs {@link RevocationEntryPoint} on every filter chain that is a bearer-token resource server (the one Spring
 * Boot auto-configures included). Applied to each {@code HttpSecurity} when it is created, so its {@link #init} runs
 * after the chain's own configuration and before the resource-server configurer reads its entry point; chains without
 * {@code oauth2ResourceServer()} are left alone.
 */
public final class RevocationChallengeConfigurer extends AbstractHttpConfigurer<RevocationChallengeConfigurer, HttpSecurity> {

	private final RevocationEntryPoint entryPoint;

	public RevocationChallengeConfigurer(RevocationEntryPoint entryPoint) {
		this.entryPoint = Objects.requireNonNull(entryPoint, "entryPoint cannot be null");
	}

	@Override
	@SuppressWarnings("unchecked")
	public void init(HttpSecurity http) {
		OAuth2ResourceServerConfigurer<HttpSecurity> resourceServer = http.getConfigurer(OAuth2ResourceServerConfigurer.class);
		if (resourceServer != null) {
			resourceServer.authenticationEntryPoint(this.entryPoint);
		}
	}
}
