package org.revocation.ssf.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

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
import org.revocation.ssf.config.SsfProperties;

/**
 * Verifies the app token of a stream-management or poll request as strictly as the api-gateway's
 * {@code AccessTokenVerifier} does (RS256 only, {@code typ} JWT, a {@code kid} among the token-checker's published
 * keys, issuer {@code <ISSUER_BASE_URL>/<tid>/v2.0} of a known tenant, audience Graph, {@code exp} / {@code nbf} on
 * the injected clock), then authorizes: an app-only token ({@code idtyp=app}) of the request's tenant whose
 * {@code roles} hold {@link SsfProperties#PERMISSION}. The verification steps are the gateway's, repeated here
 * because services never depend on each other and the gateway's class answers in Graph's error format.
 * The token-checker issues such a token to any application granted the permission, for the client_credentials
 * scope {@code https://graph.microsoft.com/.default}.
 */
@Component
public class AppTokenVerifier {

	static final Set<String> AUDIENCES = Set.of("https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000");

	private static final Duration LEEWAY = Duration.ofMinutes(5);

	private final DefaultJWTProcessor<SecurityContext> processor;

	private final RevocationProperties revocation;

	private final Directory directory;

	private final Clock clock;

	@Autowired
	public AppTokenVerifier(SsfProperties properties, RevocationProperties revocation, Directory directory, Clock clock)
			throws MalformedURLException {
		this(JWKSourceBuilder.create(URI.create(properties.jwksUri()).toURL()).retrying(true).build(), revocation,
				directory, clock);
	}

	AppTokenVerifier(JWKSource<SecurityContext> keys, RevocationProperties revocation, Directory directory,
			Clock clock) {
		this.revocation = revocation;
		this.directory = directory;
		this.clock = clock;
		this.processor = new DefaultJWTProcessor<>();
		this.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
		this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
		// exp, nbf, iss and aud are checked below, on the injected clock
		this.processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
	}

	/**
	 * The caller of a request to {@code tenantId}'s endpoints.
	 * @throws SsfException 401 without a valid token of that tenant, 403 {@code insufficient_scope} without the
	 * permission
	 */
	public AppCaller authorize(String authorization, String tenantId) {
		if (authorization == null || authorization.isBlank()) {
			throw SsfException.missingToken();
		}
		if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
			throw SsfException.invalidToken("The Authorization header must be a Bearer token.");
		}
		JWTClaimsSet claims;
		try {
			claims = this.processor.process(authorization.substring(7).trim(), null);
		}
		catch (ParseException ex) {
			throw SsfException.invalidToken("The token is not a JWT.");
		}
		catch (BadJOSEException | JOSEException ex) {
			throw SsfException.invalidToken("Invalid signature or key.");
		}
		try {
			Instant now = this.clock.instant();
			Date exp = claims.getExpirationTime();
			Date nbf = claims.getNotBeforeTime();
			if (exp == null || !exp.toInstant().plus(LEEWAY).isAfter(now)
					|| (nbf != null && nbf.toInstant().minus(LEEWAY).isAfter(now))) {
				throw SsfException.invalidToken("The token has expired or is not yet valid.");
			}
			String tid = claims.getStringClaim("tid");
			if (tid == null || this.directory.tenant(tid).filter((t) -> t.id().equals(tid)).isEmpty()
					|| !this.revocation.issuer(tid).equals(claims.getIssuer())) {
				throw SsfException.invalidToken("Invalid issuer.");
			}
			if (!tid.equals(tenantId)) {
				throw SsfException.invalidToken("The token belongs to another tenant than this transmitter issuer.");
			}
			List<String> audience = claims.getAudience();
			if (audience == null || audience.stream().noneMatch(AUDIENCES::contains)) {
				throw SsfException.invalidToken("Invalid audience.");
			}
			String clientId = claims.getStringClaim("appid");
			if (clientId == null) {
				throw SsfException.invalidToken("The token names no application (appid).");
			}
			List<String> roles = claims.getStringListClaim("roles");
			if (!"app".equals(claims.getStringClaim("idtyp")) || roles == null
					|| !roles.contains(SsfProperties.PERMISSION)) {
				throw SsfException.insufficientScope(SsfProperties.PERMISSION);
			}
			return new AppCaller(tid, clientId);
		}
		catch (ParseException ex) {
			throw SsfException.invalidToken("Malformed claims.");
		}
	}
}
