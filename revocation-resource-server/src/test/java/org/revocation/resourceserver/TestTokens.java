package org.revocation.resourceserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.revocation.core.testing.DemoTenant;

/**
 * Access tokens shaped like token-checker's (docs/contracts.md "Tokens"), signed with a key of the test's own, as
 * builders: {@code TestTokens.delegated(BOB).signedInAt(t0).build()}.
 */
public final class TestTokens {

	private static final KeyPair KEYS = generate();

	private TestTokens() {
	}

	public static Builder delegated(DemoTenant.User user) {
		return new Builder(user.tenantId(), user.id(), "user");
	}

	public static Builder app(String tenantId, String clientId) {
		return new Builder(tenantId, clientId, "app");
	}

	/** The public key as a PEM file, for {@code spring.security.oauth2.resourceserver.jwt.public-key-location}. */
	public static Path publicKeyPem(Path dir) {
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		try {
			Files.createDirectories(dir);
			return Files.writeString(dir.resolve("public-key.pem"), pem);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static final class Builder {

		private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();

		private final String idtyp;

		private Instant signedInAt = Instant.now().minusSeconds(60);

		private boolean withSessionTime = true;

		private Builder(String tenantId, String objectId, String idtyp) {
			this.idtyp = idtyp;
			Instant now = Instant.now();
			this.claims.audience("https://graph.microsoft.com")
				.issuer("https://localhost:8443/" + tenantId + "/v2.0")
				.subject(objectId)
				.claim("tid", tenantId)
				.claim("oid", objectId)
				.claim("idtyp", idtyp)
				.claim("ver", "2.0")
				.claim("uti", UUID.randomUUID().toString())
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(now.plusSeconds(3600)));
		}

		public Builder signedInAt(Instant signedInAt) {
			this.signedInAt = signedInAt;
			return this;
		}

		public Builder withoutSessionTime() {
			this.withSessionTime = false;
			return this;
		}

		public String build() {
			if ("user".equals(this.idtyp) && this.withSessionTime) {
				this.claims.claim("auth_time", this.signedInAt.getEpochSecond())
					.claim("auth_time_ms", this.signedInAt.toEpochMilli())
					.claim("scp", "User.Read")
					.claim("sid", UUID.randomUUID().toString());
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
				.keyID("test")
				.build(), this.claims.build());
			try {
				jwt.sign(new RSASSASigner((RSAPrivateKey) KEYS.getPrivate()));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
			return jwt.serialize();
		}

	}

	private static KeyPair generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
