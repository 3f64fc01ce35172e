package org.revocation.gateway.auth;

import java.util.Set;

import org.springframework.stereotype.Component;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.gateway.graph.GraphException;

/**
 * Who may revoke whose sessions (graph-contract.md Decisions, sections 1.4 and 1.5): one of the permissions below,
 * delegated or application; personal accounts never; a delegated caller may revoke themself, anyone else only when
 * their directory role may act on the target's.
 */
@Component
public class RevocationAuthorization {

	static final Set<String> PERMISSIONS = Set.of("User.RevokeSessions.All", "User.ReadWrite.All",
			"Directory.ReadWrite.All");

	static final String LEGACY_DELEGATED = "Directory.AccessAsUser.All";

	public void authorize(Caller caller, Tenant tenant, DirectoryUser target) {
		if (tenant.personalAccounts()) {
			throw GraphException.accessDenied();
		}
		boolean permitted = caller.permissions().stream().anyMatch(PERMISSIONS::contains)
				|| (caller.delegated() && caller.scopes().contains(LEGACY_DELEGATED));
		if (!permitted) {
			throw GraphException.accessDenied();
		}
		if (!caller.delegated() || caller.objectId().equalsIgnoreCase(target.id())) {
			return;
		}
		DirectoryUser actor = tenant.user(caller.objectId()).orElseThrow(GraphException::accessDenied);
		if (!DirectoryRoles.mayActOn(actor.directoryRoles(), target.directoryRoles())) {
			throw GraphException.accessDenied();
		}
	}
}
