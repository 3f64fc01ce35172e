package org.revocation.gateway.auth;

import org.springframework.stereotype.Component;

import org.revocation.core.directory.Directory;
import org.revocation.core.directory.Tenant;
import org.revocation.gateway.graph.GraphException;

/** Who is calling: a verified token, within its rate limit, whose session is still live (CAE); the caller's tenant. */
@Component
public class Callers {

	private final AccessTokenVerifier tokens;

	private final SessionCheck sessions;

	private final Directory directory;

	private final CallerRateLimit rateLimit;

	public Callers(AccessTokenVerifier tokens, SessionCheck sessions, Directory directory, CallerRateLimit rateLimit) {
		this.tokens = tokens;
		this.sessions = sessions;
		this.directory = directory;
		this.rateLimit = rateLimit;
	}

	/** The verified caller, within its rate limit, whose session is live. */
	public Caller authenticate(String authorization) {
		Caller caller = this.tokens.verify(authorization);
		this.rateLimit.acquire(caller);
		this.sessions.requireLiveSession(caller);
		return caller;
	}

	/** The caller's tenant; personal Microsoft accounts are refused here, before any target is looked up. */
	public Tenant tenantOf(Caller caller) {
		Tenant tenant = this.directory.tenant(caller.tenantId()).orElseThrow(GraphException::accessDenied);
		if (tenant.personalAccounts()) {
			throw GraphException.accessDenied();
		}
		return tenant;
	}
}
