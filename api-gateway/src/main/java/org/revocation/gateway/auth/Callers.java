package org.revocation.gateway.auth;

import org.springframework.stereotype.Component;

import org.revocation.core.directory.Directory;
import org.revocation.core.directory.Tenant;
import org.revocation.gateway.graph.GraphException;

/** Who is calling: a verified token whose session is still live (CAE), and the caller's tenant. */
@Component
public class Callers {

	private final AccessTokenVerifier tokens;

	private final SessionCheck sessions;

	private final Directory directory;

	public Callers(AccessTokenVerifier tokens, SessionCheck sessions, Directory directory) {
		this.tokens = tokens;
		this.sessions = sessions;
		this.directory = directory;
	}

	public Caller authenticate(String authorization) {
		Caller caller = this.tokens.verify(authorization);
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
