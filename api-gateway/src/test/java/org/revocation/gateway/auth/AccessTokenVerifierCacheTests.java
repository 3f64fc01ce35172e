package org.revocation.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Directory;
import org.revocation.core.testing.DemoTenant;
import org.revocation.core.testing.MutableClock;
import org.revocation.gateway.graph.GraphException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A repeated bearer token is verified once (issue 17), but its expiry is still checked on every call, and a token that
 * failed a check is never remembered.
 */
class AccessTokenVerifierCacheTests {

	private static final RSAKey KEY = key();

	private final AtomicInteger keyLookups = new AtomicInteger();

	private final JWKSource<SecurityContext> keys = (selector, context) -> {
		this.keyLookups.incrementAndGet();
		return new ImmutableJWKSet<SecurityContext>(new JWKSet(KEY.toPublicJWK())).get(selector, context);
	};

	private final RevocationProperties revocation = Binder
		.get(new org.springframework.core.env.StandardEnvironment())
		.bindOrCreate("revocation", RevocationProperties.class);

	private final MutableClock clock = clock();

	@Test
	void verifyWhenSameTokenRepeatedThenSignatureVerifiedOnce() throws Exception {
		AccessTokenVerifier verifier = verifier(100);
		String token = token(this.revocation.issuer(DemoTenant.CONTOSO), Instant.now().plusSeconds(3600));
		for (int i = 0; i < 5; i++) {
			assertThat(verifier.verify("Bearer " + token).clientId())
				.isEqualTo(DemoTenant.REVOCATION_DAEMON.clientId());
		}
		assertThat(this.keyLookups.get()).isEqualTo(1);
	}

	@Test
	void verifyWhenRememberedTokenExpiresThenRefusedAnyway() throws Exception {
		AccessTokenVerifier verifier = verifier(100);
		String token = token(this.revocation.issuer(DemoTenant.CONTOSO), this.clock.instant().plusSeconds(60));
		verifier.verify("Bearer " + token);
		this.clock.advance(Duration.ofMinutes(6)); // past exp and the 5-minute leeway
		assertThatThrownBy(() -> verifier.verify("Bearer " + token)).isInstanceOf(GraphException.class)
			.hasMessageContaining("expired");
	}

	@Test
	void verifyWhenIssuerWrongThenRefusedEveryTimeAndNotRemembered() throws Exception {
		AccessTokenVerifier verifier = verifier(100);
		String token = token("https://elsewhere.test/" + DemoTenant.CONTOSO + "/v2.0", Instant.now().plusSeconds(3600));
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> verifier.verify("Bearer " + token)).isInstanceOf(GraphException.class)
				.hasMessageContaining("Invalid issuer");
		}
		assertThat(this.keyLookups.get()).isEqualTo(2);
	}

	@Test
	void verifyWhenCacheTurnedOffThenVerifiedEveryTime() throws Exception {
		AccessTokenVerifier verifier = verifier(0);
		String token = token(this.revocation.issuer(DemoTenant.CONTOSO), Instant.now().plusSeconds(3600));
		verifier.verify("Bearer " + token);
		verifier.verify("Bearer " + token);
		assertThat(this.keyLookups.get()).isEqualTo(2);
	}

	private AccessTokenVerifier verifier(long cacheSize) {
		return new AccessTokenVerifier(this.keys, this.revocation, Directory.demo(), this.clock, cacheSize);
	}

	private static String token(String issuer, Instant expires) throws Exception {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer)
			.audience("https://graph.microsoft.com")
			.claim("tid", DemoTenant.CONTOSO)
			.claim("oid", "6f0b0b6e-4d1b-4a43-9a0e-4c5b1f0e0a01")
			.claim("appid", DemoTenant.REVOCATION_DAEMON.clientId())
			.claim("idtyp", "app")
			.claim("roles", List.of("User.ReadWrite.All"))
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now.minusSeconds(60)))
			.expirationTime(Date.from(expires))
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(KEY.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(KEY));
		return jwt.serialize();
	}

	private static RSAKey key() {
		try {
			return new RSAKeyGenerator(2048).keyID("cache-test").generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static MutableClock clock() {
		return new MutableClock(Instant.now());
	}
}
