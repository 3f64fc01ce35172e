package org.revocation.tokenchecker.keys;

import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.stereotype.Component;

import org.revocation.tokenchecker.config.TokenCheckerProperties;

/**
 * The RSA keys: all of them published at the keys endpoint, one of them (chosen by configuration) signing, so keys
 * rotate without invalidating tokens signed by the previous one.
 */
@Component
public class SigningKeys {

	private final JWKSet publicKeys;

	private final RSAKey active;

	private final RSASSASigner signer;

	public SigningKeys(TokenCheckerProperties properties) {
		JWKSet keys = KeyFiles.loadOrGenerate(properties.signingKeysFile(), "signing keys", SigningKeys::generate);
		List<RSAKey> rsa = keys.getKeys().stream().filter(RSAKey.class::isInstance).map(RSAKey.class::cast).toList();
		if (rsa.isEmpty()) {
			throw new IllegalStateException("the signing keys file holds no RSA key");
		}
		String wanted = properties.signingKeyId();
		this.active = (wanted == null || wanted.isBlank()) ? rsa.get(0)
				: rsa.stream().filter((k) -> wanted.equals(k.getKeyID())).findFirst()
					.orElseThrow(() -> new IllegalStateException("no signing key with kid " + wanted));
		if (!this.active.isPrivate()) {
			throw new IllegalStateException("signing key " + this.active.getKeyID() + " has no private part");
		}
		this.publicKeys = new JWKSet(rsa.stream().map((k) -> (JWK) k.toPublicJWK()).toList());
		try {
			this.signer = new RSASSASigner(this.active);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The published key set (public parts only). */
	public JWKSet publicKeys() {
		return this.publicKeys;
	}

	/** Signs claims as an RS256 JWT with {@code typ: JWT} and the active key's {@code kid}. */
	public String sign(JWTClaimsSet claims) {
		JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
			.keyID(this.active.getKeyID())
			.build();
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("signing failed", ex);
		}
		return jwt.serialize();
	}

	static JWKSet generate() {
		try {
			return new JWKSet(List.of(rsa(), rsa()));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JWK rsa() throws JOSEException {
		return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
			.algorithm(JWSAlgorithm.RS256)
			.keyID(UUID.randomUUID().toString())
			.generate();
	}
}
