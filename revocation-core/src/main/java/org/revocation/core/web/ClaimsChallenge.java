package org.revocation.core.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The {@code WWW-Authenticate} header Microsoft Graph sends when continuous access evaluation refuses a token whose
 * session was revoked (graph-contract.md section 4): a claims challenge asking for a token issued after now, which MSAL
 * clients answer by signing in again. Written once here for every resource server that refuses such a token (the
 * gateway, and applications using revocation-resource-server).
 */
public final class ClaimsChallenge {

	/** The header Graph sends with every 401 (graph-contract.md section 2.2). */
	public static final String BEARER = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";

	/** The CAE error message Graph gives with the challenge. */
	public static final String REVOKED_MESSAGE = "Continuous access evaluation resulted in claims challenge with result: "
			+ "InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp";

	private ClaimsChallenge() {
	}

	/** The challenge for a token refused at {@code now}: {@code insufficient_claims} with {@code nbf} = now. */
	public static String header(Instant now) {
		String claims = "{\"access_token\":{\"nbf\":{\"essential\":true, \"value\":\"" + now.getEpochSecond() + "\"}}}";
		return BEARER + ", error=\"insufficient_claims\", claims=\""
				+ Base64.getEncoder().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "\"";
	}
}
