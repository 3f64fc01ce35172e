package org.revocation.tokenchecker.session;

import java.time.Instant;

/**
 * A signed-in browser session, carried encrypted in the session cookie.
 *
 * @param tenantId the user's tenant
 * @param userId the user's object id
 * @param sessionId the session, shared by every token issued from it
 * @param signedInAt the session's sign-in time: what the revocation rule compares
 * @param expiresAt when the cookie stops being honoured
 */
public record BrowserSession(String tenantId, String userId, String sessionId, Instant signedInAt, Instant expiresAt) {
}
