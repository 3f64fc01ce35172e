package org.revocation.gateway.admin;

import java.io.Serializable;
import java.time.Instant;

/**
 * The signed-in administrator, kept only in the server-side HTTP session: the delegated access token never reaches
 * the browser.
 *
 * @param accessToken the delegated Graph token from the token-checker's code exchange
 * @param expiresAt when it expires
 * @param userId the administrator's object id
 * @param displayName the administrator's name, from Graph's {@code /me}
 * @param userPrincipalName the administrator's UPN
 * @param csrfToken the synchronizer token every state-changing form carries
 */
record ConsoleSignIn(String accessToken, Instant expiresAt, String userId, String displayName,
		String userPrincipalName, String csrfToken) implements Serializable {

	static final String ATTRIBUTE = ConsoleSignIn.class.getName();

	@Override
	public String toString() {
		return "ConsoleSignIn[" + this.userPrincipalName + "]"; // never the token
	}
}
