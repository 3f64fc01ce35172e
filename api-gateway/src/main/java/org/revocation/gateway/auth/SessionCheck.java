package org.revocation.gateway.auth;

import java.time.Clock;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import org.revocation.core.redis.CutoffReader;
import org.revocation.core.rule.RevocationRule;
import org.revocation.core.web.ClaimsChallenge;
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
			throw new GraphException(HttpStatus.UNAUTHORIZED, "InvalidAuthenticationToken", ClaimsChallenge.REVOKED_MESSAGE,
					Map.of("WWW-Authenticate", ClaimsChallenge.header(this.clock.instant())));
		}
	}
}
