package org.revocation.tokenchecker.refresh;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

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
 * Refresh tokens as JWE ({@code dir} + A256GCM: authenticated encryption, so tampering is detected). The {@code typ}
 * header keeps a session cookie from being redeemed as a refresh token.
 */
@Component
public class RefreshTokenCodec {

	static final JOSEObjectType TYPE = new JOSEObjectType("rt+jwe");

	private final EncryptionKeys keys;

	public RefreshTokenCodec(EncryptionKeys keys) {
		this.keys = keys;
	}

	public String encode(RefreshToken token) {
		OctetSequenceKey key = this.keys.active();
		JWEHeader header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).type(TYPE)
			.keyID(key.getKeyID())
			.build();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(token.id())
			.claim("tid", token.tenantId())
			.claim("oid", token.userId())
			.claim("cid", token.clientId())
			.claim("sid", token.sessionId())
			.claim("sit", token.signedInAt().toEpochMilli())
			.claim("scp", token.scopes())
			.claim("iat_ms", token.issuedAt().toEpochMilli())
			.expirationTime(Date.from(token.expiresAt()))
			.build();
		EncryptedJWT jwt = new EncryptedJWT(header, claims);
		try {
			jwt.encrypt(new DirectEncrypter(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("refresh token encryption failed", ex);
		}
		return jwt.serialize();
	}

	/**
	 * @throws InvalidRefreshTokenException when the value is not one of our refresh tokens (malformed, tampered, other
	 * key, other type)
	 */
	public RefreshToken decode(String value) {
		try {
			EncryptedJWT jwt = EncryptedJWT.parse(value);
			JWEHeader header = jwt.getHeader();
			OctetSequenceKey key = this.keys.byKid(header.getKeyID());
			if (key == null || !JWEAlgorithm.DIR.equals(header.getAlgorithm())
					|| !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod()) || !TYPE.equals(header.getType())) {
				throw new InvalidRefreshTokenException("unknown key or wrong header");
			}
			jwt.decrypt(new DirectDecrypter(key));
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			return new RefreshToken(claims.getJWTID(), claims.getStringClaim("tid"), claims.getStringClaim("oid"),
					claims.getStringClaim("cid"), claims.getStringClaim("sid"),
					Instant.ofEpochMilli(claims.getLongClaim("sit")), claims.getStringClaim("scp"),
					Instant.ofEpochMilli(claims.getLongClaim("iat_ms")), claims.getExpirationTime().toInstant());
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			if (ex instanceof InvalidRefreshTokenException invalid) {
				throw invalid;
			}
			throw new InvalidRefreshTokenException(ex.getClass().getSimpleName());
		}
	}
}
