package org.revocation.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import org.revocation.core.testing.DemoTenant;

/** Mints access tokens shaped like the token-checker's (docs/contracts.md), signed by a key the test publishes. */
final class TestTokens {

	static final String ISSUER_BASE = "https://localhost:8443";

	static final RSAKey KEY = generate();

	private TestTokens() {
	}

	static String jwks() {
		return new JWKSet(KEY.toPublicJWK()).toString();
	}

	static JWTClaimsSet.Builder app(DemoTenant.App app, String... roles) {
		return base(app.tenantId(), app.clientId()).subject(app.clientId())
			.claim("oid", app.clientId())
			.claim("idtyp", "app")
			.claim("roles", List.of(roles));
	}

	static JWTClaimsSet.Builder user(DemoTenant.User user, DemoTenant.App app, Instant signedInAt, String scp) {
		return base(user.tenantId(), app.clientId()).subject(user.id())
			.claim("oid", user.id())
			.claim("idtyp", "user")
			.claim("scp", scp)
			.claim("auth_time_ms", signedInAt.toEpochMilli());
	}

	private static JWTClaimsSet.Builder base(String tenantId, String clientId) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(ISSUER_BASE + "/" + tenantId + "/v2.0")
			.audience("https://graph.microsoft.com")
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.claim("tid", tenantId)
			.claim("appid", clientId)
			.claim("uti", UUID.randomUUID().toString());
	}

	static String sign(JWTClaimsSet.Builder claims) {
		return sign(claims.build(), KEY);
	}

	static String sign(JWTClaimsSet claims, RSAKey key) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** alg none. */
	static String unsigned(JWTClaimsSet.Builder claims) {
		return new PlainJWT(claims.build()).serialize();
	}

	/** HS256 with the public key's bytes as the secret (the classic key-confusion attack). */
	static String hmacWithPublicKey(JWTClaimsSet.Builder claims) {
		try {
			byte[] secret = KEY.toPublicJWK().toJSONString().getBytes();
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(KEY.getKeyID()).build(),
					claims.build());
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
