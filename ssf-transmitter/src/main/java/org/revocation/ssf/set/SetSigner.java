package org.revocation.ssf.set;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import org.revocation.ssf.config.SsfProperties;

/**
 * Signs Security Event Tokens: RS256, header {@code typ} {@code secevent+jwt} (RFC 8417 section 2.3), {@code kid} of
 * the key published at every issuer's {@code jwks_uri}. The key comes from {@code ssf.signing-keys-file} (its first
 * RSA private key; the file is generated at first start when it does not exist, atomically, so instances starting
 * together agree), or is generated in memory when no file is configured.
 */
@Component
public class SetSigner {

	static final JOSEObjectType SECEVENT_JWT = new JOSEObjectType("secevent+jwt");

	private static final Logger log = LoggerFactory.getLogger(SetSigner.class);

	private final RSAKey key;

	private final RSASSASigner signer;

	private final Map<String, Object> publicJwks;

	@Autowired
	public SetSigner(SsfProperties properties) {
		this(load(properties.signingKeysFile()));
	}

	SetSigner(RSAKey key) {
		this.key = key;
		try {
			this.signer = new RSASSASigner(key);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("the SET signing key is not a usable RSA private key", ex);
		}
		this.publicJwks = new JWKSet(key.toPublicJWK()).toJSONObject(true);
	}

	/** The JWK set to publish: the public half only. */
	public Map<String, Object> publicJwks() {
		return this.publicJwks;
	}

	public String sign(JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).type(SECEVENT_JWT).keyID(this.key.getKeyID()).build(), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a SET", ex);
		}
		return jwt.serialize();
	}

	private static RSAKey load(String file) {
		if (file == null || file.isBlank()) {
			log.warn("no ssf.signing-keys-file configured: SETs are signed with a key generated in memory");
			return generate();
		}
		Path path = Path.of(file);
		try {
			if (!Files.exists(path)) {
				Path parent = path.toAbsolutePath().getParent();
				Files.createDirectories(parent);
				Path temp = Files.createTempFile(parent, ".ssf-keys", ".tmp");
				Files.writeString(temp, new JWKSet(generate()).toString(false), StandardCharsets.UTF_8);
				try {
					Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
					log.info("generated SET signing key file {}", path);
				}
				catch (FileAlreadyExistsException ex) {
					Files.deleteIfExists(temp);
				}
			}
			JWKSet set = JWKSet.parse(Files.readString(path, StandardCharsets.UTF_8));
			for (JWK jwk : set.getKeys()) {
				if (jwk instanceof RSAKey rsa && rsa.isPrivate()) {
					return rsa;
				}
			}
			throw new IllegalStateException("SET signing key file " + file + " holds no RSA private key");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read SET signing key file " + file, ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("SET signing key file " + file + " is not a JWK set: " + ex.getMessage(), ex);
		}
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.keyID("ssf-" + UUID.randomUUID())
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
