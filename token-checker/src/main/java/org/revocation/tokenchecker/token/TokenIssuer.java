package org.revocation.tokenchecker.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jwt.JWTClaimsSet;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Application;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.config.TokenCheckerProperties;
import org.revocation.tokenchecker.keys.SigningKeys;
import org.revocation.tokenchecker.refresh.RefreshToken;
import org.revocation.tokenchecker.refresh.RefreshTokenCodec;

/**
 * Mints the token responses: access tokens (RS256 JWT with Microsoft's claim names, audience Graph), id tokens and
 * {@code client_info} for user flows (what MSAL needs to cache an account), and rotated refresh tokens that keep the
 * session's sign-in time.
 */
@Component
class TokenIssuer {

	private final SigningKeys signingKeys;

	private final RefreshTokenCodec refreshTokens;

	private final RevocationProperties revocation;

	private final Duration accessTokenLifetime;

	private final Clock clock;

	TokenIssuer(SigningKeys signingKeys, RefreshTokenCodec refreshTokens, RevocationProperties revocation,
			TokenCheckerProperties properties, Clock clock) {
		this.signingKeys = signingKeys;
		this.refreshTokens = refreshTokens;
		this.revocation = revocation;
		this.accessTokenLifetime = properties.accessTokenLifetime();
		this.clock = clock;
	}

	/** The client_credentials answer: an app-only access token with the application's permissions in {@code roles}. */
	Map<String, Object> appToken(Tenant tenant, Application application) {
		Instant now = this.clock.instant();
		JWTClaimsSet.Builder claims = common(tenant, application, now).subject(application.clientId())
			.claim("oid", application.clientId())
			.claim("idtyp", "app");
		if (!application.applicationPermissions().isEmpty()) {
			claims.claim("roles", application.applicationPermissions());
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("token_type", "Bearer");
		body.put("expires_in", this.accessTokenLifetime.toSeconds());
		body.put("ext_expires_in", this.accessTokenLifetime.toSeconds());
		body.put("access_token", this.signingKeys.sign(claims.build()));
		return body;
	}

	/** The answer of a user flow (password, refresh_token, authorization_code) for one session. */
	Map<String, Object> userTokens(Tenant tenant, Application application, DirectoryUser user, String sessionId,
			Instant signedInAt, Set<String> granted) {
		Instant now = this.clock.instant();
		List<String> permissions = Scopes.graphPermissions(granted);
		String scp = String.join(" ", permissions.isEmpty() ? granted : permissions);
		JWTClaimsSet access = common(tenant, application, now).subject(user.id())
			.claim("oid", user.id())
			.claim("idtyp", "user")
			.claim("scp", scp)
			.claim("sid", sessionId)
			.claim("upn", user.userPrincipalName())
			.claim("preferred_username", user.userPrincipalName())
			.claim("name", user.displayName())
			.claim("amr", List.of("pwd"))
			.claim("auth_time", signedInAt.getEpochSecond())
			.claim("auth_time_ms", signedInAt.toEpochMilli())
			.build();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("token_type", "Bearer");
		body.put("scope", String.join(" ", granted));
		body.put("expires_in", this.accessTokenLifetime.toSeconds());
		body.put("ext_expires_in", this.accessTokenLifetime.toSeconds());
		body.put("access_token", this.signingKeys.sign(access));
		if (granted.contains("offline_access")) {
			Instant expiresAt = signedInAt.plus(this.revocation.maxSessionLifetime());
			body.put("refresh_token", this.refreshTokens.encode(new RefreshToken(UUID.randomUUID().toString(),
					tenant.id(), user.id(), application.clientId(), sessionId, signedInAt, String.join(" ", granted),
					now, expiresAt)));
		}
		body.put("id_token", this.signingKeys.sign(idToken(tenant, application, user, sessionId, signedInAt, now)));
		body.put("client_info", clientInfo(tenant, user));
		return body;
	}

	private JWTClaimsSet idToken(Tenant tenant, Application application, DirectoryUser user, String sessionId,
			Instant signedInAt, Instant now) {
		return new JWTClaimsSet.Builder().issuer(this.revocation.issuer(tenant.id()))
			.audience(application.clientId())
			.subject(user.id())
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.accessTokenLifetime)))
			.claim("oid", user.id())
			.claim("tid", tenant.id())
			.claim("sid", sessionId)
			.claim("preferred_username", user.userPrincipalName())
			.claim("name", user.displayName())
			.claim("auth_time", signedInAt.getEpochSecond())
			.claim("ver", "2.0")
			.build();
	}

	private JWTClaimsSet.Builder common(Tenant tenant, Application application, Instant now) {
		return new JWTClaimsSet.Builder().issuer(this.revocation.issuer(tenant.id()))
			.audience(Scopes.GRAPH)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.accessTokenLifetime)))
			.claim("tid", tenant.id())
			.claim("appid", application.clientId())
			.claim("azp", application.clientId())
			.claim("uti", UUID.randomUUID().toString().replace("-", ""))
			.claim("ver", "2.0");
	}

	private static String clientInfo(Tenant tenant, DirectoryUser user) {
		String json = "{\"uid\":\"" + user.id() + "\",\"utid\":\"" + tenant.id() + "\"}";
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}
}
