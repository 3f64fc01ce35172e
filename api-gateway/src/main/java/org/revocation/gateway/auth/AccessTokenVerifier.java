package org.revocation.gateway.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Directory;
import org.revocation.gateway.config.GatewayProperties;
import org.revocation.gateway.graph.GraphException;

/**
 * Verifies a bearer access token strictly: RS256 only, {@code typ} JWT, a {@code kid} from the token-checker's
 * published keys, issuer {@code <base>/<tid>/v2.0} of a known tenant, audience Graph, {@code exp} / {@code nbf} on the
 * injected clock. Every failure is a 401 {@code InvalidAuthenticationToken} with Graph's wording.
 */
@Component
public class AccessTokenVerifier {

	static final Set<String> AUDIENCES = Set.of("https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000");

	private static final Duration LEEWAY = Duration.ofMinutes(5);

	private static final Duration REMEMBERED = Duration.ofMinutes(10);

	private final DefaultJWTProcessor<SecurityContext> processor;

	private final RevocationProperties revocation;

	private final Directory directory;

	private final Clock clock;

	/**
	 * Claims of tokens whose signature verified, by the token's exact text: a repeated bearer token skips the RSA
	 * verification (issue 17). Expiry, issuer and audience are still checked on every call; bounded in size, and a token
	 * is forgotten 10 minutes after it was verified.
	 */
	private final Cache<String, JWTClaimsSet> verified;

	@Autowired
	public AccessTokenVerifier(GatewayProperties properties, RevocationProperties revocation, Directory directory,
			Clock clock) throws MalformedURLException {
		this(JWKSourceBuilder.create(URI.create(properties.jwksUri()).toURL()).retrying(true).build(), revocation,
				directory, clock, properties.tokenCacheSize());
	}

	AccessTokenVerifier(JWKSource<SecurityContext> keys, RevocationProperties revocation, Directory directory,
			Clock clock) {
		this(keys, revocation, directory, clock, 10_000);
	}

	AccessTokenVerifier(JWKSource<SecurityContext> keys, RevocationProperties revocation, Directory directory,
			Clock clock, long cacheSize) {
		this.revocation = revocation;
		this.directory = directory;
		this.clock = clock;
		// size 0: nothing remembered (Caffeine would evict a size-0 cache's entries only asynchronously)
		this.verified = (cacheSize > 0)
				? Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(REMEMBERED).<String, JWTClaimsSet>build()
				: null;
		this.processor = new DefaultJWTProcessor<>();
		this.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
		this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
		// exp, nbf, iss and aud are checked below, on the injected clock
		this.processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
	}

	public Caller verify(String authorization) {
		if (authorization == null || authorization.isBlank()) {
			throw GraphException.invalidToken("Access token is empty.");
		}
		if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
			throw GraphException.invalidToken("Access token is empty.");
		}
		String token = authorization.substring(7).trim();
		JWTClaimsSet claims = (this.verified != null) ? this.verified.getIfPresent(token) : null;
		if (claims != null) {
			return caller(claims);
		}
		try {
			claims = this.processor.process(token, null);
		}
		catch (ParseException ex) {
			throw GraphException.invalidToken("CompactToken parsing failed with error code: 80049217");
		}
		catch (BadJOSEException | JOSEException ex) {
			throw GraphException.invalidToken("Access token validation failure. Invalid signature or key.");
		}
		Caller caller = caller(claims);
		if (this.verified != null) {
			this.verified.put(token, claims); // only a token that passed every check is remembered
		}
		return caller;
	}

	private Caller caller(JWTClaimsSet claims) {
		try {
			Instant now = this.clock.instant();
			Date exp = claims.getExpirationTime();
			Date nbf = claims.getNotBeforeTime();
			if (exp == null || !exp.toInstant().plus(LEEWAY).isAfter(now)
					|| (nbf != null && nbf.toInstant().minus(LEEWAY).isAfter(now))) {
				throw GraphException.invalidToken("Access token has expired or is not yet valid.");
			}
			String tenantId = claims.getStringClaim("tid");
			if (tenantId == null || this.directory.tenant(tenantId).filter((t) -> t.id().equals(tenantId)).isEmpty()
					|| !this.revocation.issuer(tenantId).equals(claims.getIssuer())) {
				throw GraphException.invalidToken("Access token validation failure. Invalid issuer.");
			}
			List<String> audience = claims.getAudience();
			if (audience == null || audience.stream().noneMatch(AUDIENCES::contains)) {
				throw GraphException.invalidToken("Access token validation failure. Invalid audience.");
			}
			boolean delegated = "user".equals(claims.getStringClaim("idtyp"));
			String objectId = claims.getStringClaim("oid");
			String clientId = claims.getStringClaim("appid");
			if (objectId == null || clientId == null) {
				throw GraphException.invalidToken("Access token validation failure.");
			}
			Set<String> scopes = new LinkedHashSet<>();
			String scp = claims.getStringClaim("scp");
			if (scp != null && !scp.isBlank()) {
				scopes.addAll(List.of(scp.trim().split("\\s+")));
			}
			List<String> roles = claims.getStringListClaim("roles");
			Long signedInAt = claims.getLongClaim("auth_time_ms");
			if (delegated && signedInAt == null) {
				throw GraphException.invalidToken("Access token validation failure. Missing auth_time_ms.");
			}
			return new Caller(tenantId, objectId, clientId, delegated, Set.copyOf(scopes),
					(roles != null) ? new HashSet<>(roles) : Set.of(),
					(signedInAt != null) ? Instant.ofEpochMilli(signedInAt) : null);
		}
		catch (ParseException ex) {
			throw GraphException.invalidToken("Access token validation failure. Malformed claims.");
		}
	}
}
