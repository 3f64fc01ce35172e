package org.revocation.ssf.set;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jwt.JWTClaimsSet;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;

/**
 * Builds the Security Event Tokens (RFC 8417) a stream receives, as SSF 1.0 profiles them: {@code iss} the
 * transmitter's issuer of the tenant, {@code aud} the stream's audience, {@code iat}, {@code jti}, {@code txn}, the
 * subject as a top-level {@code sub_id} (RFC 9493), one event in {@code events}.
 */
@Component
public class SecurityEvents {

	public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

	public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

	private final SetSigner signer;

	private final SsfProperties properties;

	private final RevocationProperties revocation;

	private final Directory directory;

	private final Clock clock;

	public SecurityEvents(SetSigner signer, SsfProperties properties, RevocationProperties revocation,
			Directory directory, Clock clock) {
		this.signer = signer;
		this.properties = properties;
		this.revocation = revocation;
		this.directory = directory;
		this.clock = clock;
	}

	/**
	 * The {@code jti} of an event's SET for one stream: derived from both ids, so a SET built again after a restart
	 * (the event re-read from its uncommitted offset) carries the same {@code jti} and receivers can drop the copy.
	 */
	public static String jti(String streamId, String eventId) {
		return UUID.nameUUIDFromBytes((streamId + "/" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
	}

	/**
	 * CAEP 1.0 {@code session-revoked} for every session of the user: the subject is the user alone (no session
	 * member), {@code event_timestamp} the cutoff in seconds, {@code initiating_entity} {@code admin} when a person
	 * called revokeSignInSessions (an administrator, or the user through {@code /me}: a person acting through the
	 * admin API) and {@code policy} when an application did (an automated decision, not a person's).
	 */
	public String sessionRevoked(Stream stream, RevocationEvent event) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("event_timestamp", event.validFrom().getEpochSecond());
		body.put("initiating_entity", (event.actor().type() == Actor.Type.USER) ? "admin" : "policy");
		body.put("reason_admin", Map.of("en", "Sign-in sessions revoked (revokeSignInSessions)"));
		String txn = (event.requestId() != null) ? event.requestId() : event.eventId();
		return sign(stream, jti(stream.streamId(), event.eventId()), txn, subject(stream, event), SESSION_REVOKED, body);
	}

	/** SSF 1.0 verification event: {@code sub_id} the stream ({@code opaque}), {@code state} echoed when given. */
	public String verification(Stream stream, String state, String jti) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (state != null) {
			body.put("state", state);
		}
		return sign(stream, jti, jti, Map.of("format", "opaque", "id", stream.streamId()), VERIFICATION, body);
	}

	/** {@code iss_sub} with the token issuer and the user's {@code sub} (= object id), or {@code email}. */
	private Map<String, Object> subject(Stream stream, RevocationEvent event) {
		if (Stream.EMAIL.equals(stream.format())) {
			Optional<String> email = this.directory.tenant(event.tenantId())
				.flatMap((t) -> t.user(event.userId()))
				.map(SecurityEvents::email);
			if (email.isPresent()) {
				return Map.of("format", "email", "email", email.get());
			}
		}
		Map<String, Object> subject = new LinkedHashMap<>();
		subject.put("format", "iss_sub");
		subject.put("iss", this.revocation.issuer(event.tenantId()));
		subject.put("sub", event.userId());
		return subject;
	}

	static String email(DirectoryUser user) {
		return (user.mail() != null && !user.mail().isBlank()) ? user.mail() : user.userPrincipalName();
	}

	private String sign(Stream stream, String jti, String txn, Map<String, Object> subject, String type,
			Map<String, Object> body) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.properties.issuer(stream.tenantId()))
			.audience(stream.audience())
			.issueTime(Date.from(this.clock.instant()))
			.jwtID(jti)
			.claim("txn", txn)
			.claim("sub_id", subject)
			.claim("events", Map.of(type, body))
			.build();
		return this.signer.sign(claims);
	}
}
