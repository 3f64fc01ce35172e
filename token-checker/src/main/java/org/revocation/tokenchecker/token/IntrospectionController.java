package org.revocation.tokenchecker.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Application;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.keys.SigningKeys;
import org.revocation.tokenchecker.refresh.InvalidRefreshTokenException;
import org.revocation.tokenchecker.refresh.RefreshToken;
import org.revocation.tokenchecker.refresh.RefreshTokenCodec;

/**
 * {@code POST /{tenant}/oauth2/v2.0/introspect} (RFC 7662) for resource servers: the caller is a confidential client
 * ({@code client_secret_basic} or {@code client_secret_post}); every token gets 200 with JSON — {@code active:true}
 * and its claims for a valid token of a live session, {@code {"active":false}} for anything else (forged, expired,
 * another tenant's, revoked) — and 503 only when the cutoff cannot be known. Access tokens are verified strictly
 * (RS256 only, a published key id, {@code typ} JWT, the tenant's issuer, the Graph audience, expiry by the injected
 * clock), then the revocation rule decides with one Redis read.
 */
@RestController
class IntrospectionController {

	private static final Logger log = LoggerFactory.getLogger(IntrospectionController.class);

	private static final Map<String, Object> INACTIVE = Map.of("active", false);

	private final Directory directory;

	private final ClientAuthenticator clients;

	private final RevocationCheck revocationCheck;

	private final RefreshTokenCodec refreshTokens;

	private final RevocationProperties revocation;

	private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

	/** Access tokens whose signature verified, by their exact text (see {@link #remember}). */
	private final Map<String, JWTClaimsSet> verified = new java.util.concurrent.ConcurrentHashMap<>();

	static final int VERIFIED_TOKENS = 10_000;

	private final Clock clock;

	IntrospectionController(Directory directory, ClientAuthenticator clients, RevocationCheck revocationCheck,
			RefreshTokenCodec refreshTokens, RevocationProperties revocation, SigningKeys signingKeys, Clock clock) {
		this.directory = directory;
		this.clients = clients;
		this.revocationCheck = revocationCheck;
		this.refreshTokens = refreshTokens;
		this.revocation = revocation;
		this.clock = clock;
		this.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
		this.processor.setJWSKeySelector(
				new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(signingKeys.publicKeys())));
		this.processor.setJWTClaimsSetVerifier((claims, context) -> {
			// issuer, audience and time are checked below with the tenant and the injected clock
		});
	}

	@PostMapping(path = "/{tenant}/oauth2/v2.0/introspect", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, Object>> introspect(@PathVariable String tenant,
			@RequestParam MultiValueMap<String, String> form,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		Tenant directoryTenant = this.directory.tenant(tenant).orElseThrow(() -> new TenantNotFoundException(tenant));
		if (form.getFirst("client_id") == null && authorization == null) {
			throw new OAuthException(HttpStatus.UNAUTHORIZED, "invalid_client", 7000218,
					"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		Application caller = this.clients.authenticate(directoryTenant, form, authorization);
		if (caller.isPublicClient()) {
			throw new OAuthException(HttpStatus.UNAUTHORIZED, "invalid_client", 7000218,
					"Introspection needs a confidential client: 'client_secret' is required.");
		}
		String token = form.getFirst("token");
		if (token == null || token.isEmpty()) {
			throw OAuthException.missingParameter("token");
		}
		Map<String, Object> answer = "refresh_token".equals(form.getFirst("token_type_hint"))
				? refreshToken(directoryTenant, token).orElseGet(() -> accessToken(directoryTenant, token))
				: accessToken(directoryTenant, token);
		if (answer == INACTIVE) {
			answer = refreshToken(directoryTenant, token).orElse(INACTIVE);
		}
		log.debug("introspection tenant={} caller={} active={}", directoryTenant.id(), caller.clientId(),
				answer.get("active"));
		return ResponseEntity.ok().headers(OAuthErrorHandler.noStoreHeaders()).contentType(OAuthErrorHandler.JSON_UTF8)
			.body(answer);
	}

	private Map<String, Object> accessToken(Tenant tenant, String token) {
		JWTClaimsSet claims = this.verified.get(token);
		if (claims == null) {
			try {
				claims = this.processor.process(token, null);
			}
			catch (ParseException | BadJOSEException | JOSEException | RuntimeException ex) {
				return INACTIVE;
			}
			remember(token, claims);
		}
		Instant now = this.clock.instant();
		Duration leeway = this.revocation.clockSkewAllowance();
		if (!tenant.id().equals(claims.getClaim("tid")) || !this.revocation.issuer(tenant.id()).equals(claims.getIssuer())
				|| claims.getAudience() == null || !claims.getAudience().contains(Scopes.GRAPH)
				|| claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().plus(leeway).isAfter(now)
				|| (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().minus(leeway).isAfter(now))) {
			return INACTIVE;
		}
		Object signedInMs = claims.getClaim("auth_time_ms");
		boolean user = "user".equals(claims.getClaim("idtyp"));
		if (user) {
			if (!(signedInMs instanceof Number number) || !this.revocationCheck.isHonoured(tenant.id(), claims.getSubject(),
					Instant.ofEpochMilli(number.longValue()))) {
				return INACTIVE;
			}
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("active", true);
		answer.put("scope", user ? claims.getClaim("scp") : String.join(" ", roles(claims)));
		answer.put("client_id", claims.getClaim("appid"));
		if (claims.getClaim("upn") != null) {
			answer.put("username", claims.getClaim("upn"));
		}
		answer.put("token_type", "Bearer");
		answer.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
		answer.put("iat", (claims.getIssueTime() != null) ? claims.getIssueTime().toInstant().getEpochSecond() : null);
		answer.put("nbf", (claims.getNotBeforeTime() != null) ? claims.getNotBeforeTime().toInstant().getEpochSecond() : null);
		answer.put("sub", claims.getSubject());
		answer.put("aud", Scopes.GRAPH);
		answer.put("iss", claims.getIssuer());
		answer.put("tid", tenant.id());
		answer.put("oid", claims.getClaim("oid"));
		answer.values().removeIf(java.util.Objects::isNull);
		return answer;
	}

	private java.util.Optional<Map<String, Object>> refreshToken(Tenant tenant, String value) {
		RefreshToken token;
		try {
			token = this.refreshTokens.decode(value);
		}
		catch (InvalidRefreshTokenException ex) {
			return java.util.Optional.empty();
		}
		if (!token.tenantId().equals(tenant.id()) || !token.expiresAt().isAfter(this.clock.instant())
				|| tenant.user(token.userId()).isEmpty()
				|| !this.revocationCheck.isHonoured(tenant.id(), token.userId(), token.signedInAt())) {
			return java.util.Optional.of(INACTIVE);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("active", true);
		answer.put("scope", token.scopes());
		answer.put("client_id", token.clientId());
		answer.put("token_type", "refresh_token");
		answer.put("exp", token.expiresAt().getEpochSecond());
		answer.put("iat", token.issuedAt().getEpochSecond());
		answer.put("sub", token.userId());
		answer.put("iss", this.revocation.issuer(tenant.id()));
		answer.put("tid", tenant.id());
		answer.put("oid", token.userId());
		return java.util.Optional.of(answer);
	}

	@SuppressWarnings("unchecked")
	/**
	 * Remembers a token whose signature verified, so that the next introspection of the same token skips the RSA
	 * verification and the parsing (PERFORMANCE.md). Bounded: when full, expired tokens go, then everything. Only the
	 * signature's result is remembered: issuer, audience, expiry and the user's cutoff are checked on every call.
	 */
	private void remember(String token, JWTClaimsSet claims) {
		if (this.verified.size() >= VERIFIED_TOKENS) {
			Instant now = this.clock.instant();
			this.verified.values().removeIf((c) -> c.getExpirationTime() == null
					|| !c.getExpirationTime().toInstant().isAfter(now));
			if (this.verified.size() >= VERIFIED_TOKENS) {
				this.verified.clear();
			}
		}
		this.verified.put(token, claims);
	}

	private static List<String> roles(JWTClaimsSet claims) {
		Object roles = claims.getClaim("roles");
		return (roles instanceof List<?> list) ? (List<String>) list : List.of();
	}
}
