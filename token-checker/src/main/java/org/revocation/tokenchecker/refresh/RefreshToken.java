package org.revocation.tokenchecker.refresh;

import java.time.Instant;

/**
 * What a refresh token carries (encrypted, never seen by clients in clear).
 *
 * @param id unique per token
 * @param tenantId the user's tenant
 * @param userId the user's object id
 * @param clientId the application it was issued to
 * @param sessionId the session (sign-in) it descends from
 * @param signedInAt the session's sign-in time, carried unchanged through every rotation: what the rule compares
 * @param scopes the delegated scopes granted, space-separated
 * @param issuedAt when this token was issued
 * @param expiresAt when it expires (no later than the session's sign-in time plus the longest session lifetime)
 */
public record RefreshToken(String id, String tenantId, String userId, String clientId, String sessionId,
		Instant signedInAt, String scopes, Instant issuedAt, Instant expiresAt) {
}
