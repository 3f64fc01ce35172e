package org.revocation.tokenchecker.keys;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import org.springframework.stereotype.Component;

import org.revocation.tokenchecker.config.TokenCheckerProperties;

/** The symmetric keys (256-bit, for JWE {@code dir} + A256GCM) of refresh tokens and session cookies. */
@Component
public class EncryptionKeys {

	private final Map<String, OctetSequenceKey> byKid;

	private final OctetSequenceKey active;

	public EncryptionKeys(TokenCheckerProperties properties) {
		JWKSet keys = KeyFiles.loadOrGenerate(properties.encryptionKeysFile(), "encryption keys",
				EncryptionKeys::generate);
		List<OctetSequenceKey> oct = keys.getKeys().stream().filter(OctetSequenceKey.class::isInstance)
			.map(OctetSequenceKey.class::cast).filter((k) -> k.size() == 256).toList();
		if (oct.isEmpty()) {
			throw new IllegalStateException("the encryption keys file holds no 256-bit oct key");
		}
		this.byKid = oct.stream().collect(Collectors.toUnmodifiableMap(OctetSequenceKey::getKeyID, (k) -> k));
		String wanted = properties.encryptionKeyId();
		this.active = (wanted == null || wanted.isBlank()) ? oct.get(0)
				: oct.stream().filter((k) -> wanted.equals(k.getKeyID())).findFirst()
					.orElseThrow(() -> new IllegalStateException("no encryption key with kid " + wanted));
	}

	public OctetSequenceKey active() {
		return this.active;
	}

	/** The key with this kid, or null. */
	public OctetSequenceKey byKid(String kid) {
		return (kid != null) ? this.byKid.get(kid) : null;
	}

	static JWKSet generate() {
		try {
			return new JWKSet(new OctetSequenceKeyGenerator(256).keyUse(KeyUse.ENCRYPTION)
				.algorithm(EncryptionMethod.A256GCM)
				.keyID(UUID.randomUUID().toString())
				.generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
