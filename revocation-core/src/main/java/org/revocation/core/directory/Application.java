package org.revocation.core.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An application registration.
 *
 * @param clientId the application (client) id, a GUID
 * @param clientSecretHash {@code {sha256}<hex>} of the client secret; null for a public client
 * @param applicationPermissions application permissions granted (the {@code roles} of an app-only token)
 * @param delegatedScopes delegated permissions consented (the {@code scp} of a user token may name these)
 * @param redirectUris registered redirect URIs; a {@code http://localhost} URI matches any port
 */
public record Application(String clientId, String displayName, String clientSecretHash,
		List<String> applicationPermissions, List<String> delegatedScopes, List<String> redirectUris) {

	private static final String SHA256_PREFIX = "{sha256}";

	public Application {
		applicationPermissions = (applicationPermissions != null) ? List.copyOf(applicationPermissions) : List.of();
		delegatedScopes = (delegatedScopes != null) ? List.copyOf(delegatedScopes) : List.of();
		redirectUris = (redirectUris != null) ? List.copyOf(redirectUris) : List.of();
	}

	public boolean isPublicClient() {
		return this.clientSecretHash == null;
	}

	/** Constant-time check of a presented client secret against the stored hash. */
	public boolean secretMatches(String presented) {
		if (isPublicClient() || presented == null || !this.clientSecretHash.startsWith(SHA256_PREFIX)) {
			return false;
		}
		byte[] expected = HexFormat.of().parseHex(this.clientSecretHash.substring(SHA256_PREFIX.length()));
		return MessageDigest.isEqual(expected, sha256(presented));
	}

	/** The stored form of a client secret: {@code {sha256}<hex>}. */
	public static String hashSecret(String secret) {
		return SHA256_PREFIX + HexFormat.of().formatHex(sha256(secret));
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
