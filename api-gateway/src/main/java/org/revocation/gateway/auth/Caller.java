package org.revocation.gateway.auth;

import java.time.Instant;
import java.util.Set;

/**
 * The verified caller of a Graph request.
 *
 * @param tenantId the token's tenant ({@code tid})
 * @param objectId the user's object id (delegated) or the application's client id (app-only)
 * @param clientId the application ({@code appid})
 * @param delegated whether a user signed in (delegated token, {@code idtyp=user})
 * @param scopes delegated permissions ({@code scp})
 * @param roles application permissions ({@code roles})
 * @param sessionSignedInAt the session's sign-in time ({@code auth_time_ms}); null for app-only tokens
 */
public record Caller(String tenantId, String objectId, String clientId, boolean delegated, Set<String> scopes,
		Set<String> roles, Instant sessionSignedInAt) {

	/** The permissions that count for this caller: {@code scp} when delegated, {@code roles} when app-only. */
	public Set<String> permissions() {
		return this.delegated ? this.scopes : this.roles;
	}
}
