package org.revocation.tokenchecker.session;

import java.time.Instant;

/**
 * What an authorization code carries (encrypted; single use).
 *
 * @param id unique per code: what the single-use record in Redis is keyed by
 * @param tenantId the user's tenant
 * @param userId the signed-in user
 * @param clientId the application that asked
 * @param redirectUri the redirect URI of the authorize request, which the redemption must repeat
 * @param codeChallenge the PKCE S256 challenge, or null when the confidential client sent none
 * @param scopes the scopes granted, space-separated
 * @param sessionId the browser session it comes from
 * @param signedInAt that session's sign-in time
 * @param expiresAt when it can no longer be redeemed
 */
public record AuthorizationCode(String id, String tenantId, String userId, String clientId, String redirectUri,
		String codeChallenge, String scopes, String sessionId, Instant signedInAt, Instant expiresAt) {
}
