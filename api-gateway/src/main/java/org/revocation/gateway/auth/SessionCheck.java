package org.revocation.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import org.revocation.core.redis.CutoffReader;
import org.revocation.core.rule.RevocationRule;
import org.revocation.gateway.graph.GraphException;

/**
 * The gateway is itself a resource server: an access token whose session was revoked is refused like Microsoft's
 * continuous access evaluation does (graph-contract.md section 4), with the shared rule and the Redis view, failing
 * closed when the cutoff cannot be known.
 */
@Component
public class SessionCheck {

	private final CutoffReader cutoffs;

	private final RevocationRule rule;

	private final Clock clock;

	public SessionCheck(CutoffReader cutoffs, RevocationRule rule, Clock clock) {
		this.cutoffs = cutoffs;
		this.rule = rule;
		this.clock = clock;
	}

	public void requireLiveSession(Caller caller) {
		if (!caller.delegated()) {
			return;
		}
		if (this.rule.isRevoked(caller.sessionSignedInAt(), this.cutoffs.cutoff(caller.tenantId(), caller.objectId()))) {
			String claims = "{\"access_token\":{\"nbf\":{\"essential\":true, \"value\":\""
					+ this.clock.instant().getEpochSecond() + "\"}}}";
			String challenge = GraphException.WWW_AUTHENTICATE + ", error=\"insufficient_claims\", claims=\""
					+ Base64.getEncoder().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "\"";
			throw new GraphException(HttpStatus.UNAUTHORIZED, "InvalidAuthenticationToken",
					"Continuous access evaluation resulted in claims challenge with result: InteractionRequired and "
							+ "code: TokenIssuedBeforeRevocationTimestamp",
					Map.of("WWW-Authenticate", challenge));
		}
	}
}
