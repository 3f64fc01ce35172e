package org.revocation.tokenchecker.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import org.springframework.stereotype.Component;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

import org.revocation.core.redis.CutoffUnavailableException;

/**
 * Authorization codes: sealed ({@link Sealer}), valid for {@link #LIFETIME}, redeemable once — the first redemption
 * records the code's id in Redis ({@code SET NX} until the code expires), so every replica refuses a second one.
 */
@Component
public class AuthorizationCodes {

	public static final Duration LIFETIME = Duration.ofMinutes(10);

	static final JOSEObjectType TYPE = new JOSEObjectType("code+jwe");

	private static final String REDEEMED_PREFIX = "rsv:code:";

	private final Sealer sealer;

	private final UnifiedJedis redis;

	private final Clock clock;

	public AuthorizationCodes(Sealer sealer, UnifiedJedis redis, Clock clock) {
		this.sealer = sealer;
		this.redis = redis;
		this.clock = clock;
	}

	public String issue(BrowserSession session, String clientId, String redirectUri, String codeChallenge,
			String scopes) {
		Instant expiresAt = this.clock.instant().plus(LIFETIME);
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("tid", session.tenantId())
			.claim("oid", session.userId())
			.claim("cid", clientId)
			.claim("ru", redirectUri)
			.claim("scp", scopes)
			.claim("sid", session.sessionId())
			.claim("sit", session.signedInAt().toEpochMilli())
			.expirationTime(Date.from(expiresAt));
		if (codeChallenge != null) {
			claims.claim("cc", codeChallenge);
		}
		return this.sealer.seal(TYPE, claims.build());
	}

	/** The code's content when it is one of ours and unaltered (expiry and single use are checked by the caller). */
	public Optional<AuthorizationCode> read(String value) {
		return this.sealer.unseal(TYPE, value).flatMap((claims) -> {
			try {
				return Optional.of(new AuthorizationCode(claims.getJWTID(), claims.getStringClaim("tid"),
						claims.getStringClaim("oid"), claims.getStringClaim("cid"), claims.getStringClaim("ru"),
						claims.getStringClaim("cc"), claims.getStringClaim("scp"), claims.getStringClaim("sid"),
						Instant.ofEpochMilli(claims.getLongClaim("sit")), claims.getExpirationTime().toInstant()));
			}
			catch (java.text.ParseException | RuntimeException ex) {
				return Optional.empty();
			}
		});
	}

	/**
	 * Marks the code redeemed; false when it already was. Redis unreachable → {@link CutoffUnavailableException}
	 * (fail closed: no token when single use cannot be guaranteed).
	 */
	public boolean redeemOnce(AuthorizationCode code) {
		try {
			return "OK".equals(this.redis.set(REDEEMED_PREFIX + code.id(), "1",
					SetParams.setParams().nx().pxAt(code.expiresAt().toEpochMilli() + 1_000)));
		}
		catch (JedisException ex) {
			throw new CutoffUnavailableException("cannot record the code's redemption: " + ex.getMessage(), ex);
		}
	}

	/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
	public static boolean verifierMatches(String verifier, String challenge) {
		if (verifier == null || challenge == null || verifier.length() < 43 || verifier.length() > 128) {
			return false;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
			return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
					challenge.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
