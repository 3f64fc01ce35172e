package org.revocation.tokenchecker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;

/**
 * The browser session cookie: encrypted ({@link Sealer}), {@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} on
 * https, path {@code /}. It lives as long as the longest session lifetime; the revocation rule decides on every use.
 */
@Component
public class SessionCookies {

	public static final String NAME = "rsv_session";

	static final JOSEObjectType TYPE = new JOSEObjectType("session+jwe");

	private final Sealer sealer;

	private final Duration lifetime;

	private final Clock clock;

	public SessionCookies(Sealer sealer, RevocationProperties revocation, Clock clock) {
		this.sealer = sealer;
		this.lifetime = revocation.maxSessionLifetime();
		this.clock = clock;
	}

	/** A cookie for a new session that signed in at {@code signedInAt}. */
	public ResponseCookie create(BrowserSession session, boolean secure) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("tid", session.tenantId())
			.claim("oid", session.userId())
			.claim("sid", session.sessionId())
			.claim("sit", session.signedInAt().toEpochMilli())
			.expirationTime(Date.from(session.expiresAt()))
			.build();
		return ResponseCookie.from(NAME, this.sealer.seal(TYPE, claims)).httpOnly(true).secure(secure).sameSite("Lax")
			.path("/")
			.maxAge(Duration.between(this.clock.instant(), session.expiresAt()))
			.build();
	}

	public BrowserSession newSession(String tenantId, String userId, String sessionId, Instant signedInAt) {
		return new BrowserSession(tenantId, userId, sessionId, signedInAt, signedInAt.plus(this.lifetime));
	}

	public ResponseCookie clear(boolean secure) {
		return ResponseCookie.from(NAME, "").httpOnly(true).secure(secure).sameSite("Lax").path("/").maxAge(0).build();
	}

	/** The session of the request's cookie for this tenant, when there is one, unaltered and unexpired. */
	public Optional<BrowserSession> read(HttpServletRequest request, String tenantId) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return Optional.empty();
		}
		for (Cookie cookie : cookies) {
			if (!NAME.equals(cookie.getName())) {
				continue;
			}
			Optional<BrowserSession> session = this.sealer.unseal(TYPE, cookie.getValue()).flatMap(this::session)
				.filter((s) -> s.tenantId().equals(tenantId) && s.expiresAt().isAfter(this.clock.instant()));
			if (session.isPresent()) {
				return session;
			}
		}
		return Optional.empty();
	}

	private Optional<BrowserSession> session(JWTClaimsSet claims) {
		try {
			return Optional.of(new BrowserSession(claims.getStringClaim("tid"), claims.getStringClaim("oid"),
					claims.getStringClaim("sid"), Instant.ofEpochMilli(claims.getLongClaim("sit")),
					claims.getExpirationTime().toInstant()));
		}
		catch (java.text.ParseException | RuntimeException ex) {
			return Optional.empty();
		}
	}
}
