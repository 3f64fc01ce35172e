package org.revocation.tokenchecker.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token-checker's own settings, prefix {@code token-checker}.
 *
 * @param signingKeysFile JWK set file with the RSA private keys; all are published, {@code signingKeyId} signs.
 * Generated (two keys) when configured but missing; in-memory keys when empty (one replica only).
 * @param signingKeyId the kid that signs new tokens. The default is the first key of the file.
 * @param encryptionKeysFile JWK set file of 256-bit {@code oct} keys for refresh tokens and session cookies; generated
 * when configured but missing.
 * @param encryptionKeyId the kid that encrypts new refresh tokens. The default is the first key.
 * @param accessTokenLifetime lifetime of access and id tokens. The default is 1 hour.
 * @param lockout smart lockout of password sign-ins
 */
@ConfigurationProperties("token-checker")
public record TokenCheckerProperties(@DefaultValue("") String signingKeysFile, @DefaultValue("") String signingKeyId,
		@DefaultValue("") String encryptionKeysFile, @DefaultValue("") String encryptionKeyId,
		@DefaultValue("1h") Duration accessTokenLifetime, @DefaultValue Lockout lockout) {

	/**
	 * @param threshold wrong passwords within {@code duration} that lock a user. The default is 10, as Entra ID.
	 * @param duration how long failures count and a lock lasts. The default is 60 s, as Entra ID's first lockout.
	 */
	public record Lockout(@DefaultValue("10") int threshold, @DefaultValue("60s") Duration duration) {
	}
}
