package org.revocation.tokenchecker.session;

import java.text.ParseException;
import java.util.Optional;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import org.springframework.stereotype.Component;

import org.revocation.tokenchecker.keys.EncryptionKeys;

/**
 * Opaque, tamper-proof values for the browser and the client (session cookies, authorization codes): JWE {@code dir}
 * + A256GCM under the shared encryption keys, with a {@code typ} per kind so one kind is never accepted as another.
 */
@Component
public class Sealer {

	private final EncryptionKeys keys;

	public Sealer(EncryptionKeys keys) {
		this.keys = keys;
	}

	public String seal(JOSEObjectType type, JWTClaimsSet claims) {
		OctetSequenceKey key = this.keys.active();
		EncryptedJWT jwt = new EncryptedJWT(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).type(type)
			.keyID(key.getKeyID())
			.build(), claims);
		try {
			jwt.encrypt(new DirectEncrypter(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("sealing failed", ex);
		}
		return jwt.serialize();
	}

	/** The claims of a value this service sealed with that type; empty for anything else (malformed, tampered). */
	public Optional<JWTClaimsSet> unseal(JOSEObjectType type, String value) {
		if (value == null || value.isEmpty() || value.length() > 8192) {
			return Optional.empty();
		}
		try {
			EncryptedJWT jwt = EncryptedJWT.parse(value);
			JWEHeader header = jwt.getHeader();
			OctetSequenceKey key = this.keys.byKid(header.getKeyID());
			if (key == null || !JWEAlgorithm.DIR.equals(header.getAlgorithm())
					|| !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod()) || !type.equals(header.getType())) {
				return Optional.empty();
			}
			jwt.decrypt(new DirectDecrypter(key));
			return Optional.of(jwt.getJWTClaimsSet());
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			return Optional.empty();
		}
	}
}
