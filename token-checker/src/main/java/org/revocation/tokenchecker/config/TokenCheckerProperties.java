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
 */
@ConfigurationProperties("token-checker")
public record TokenCheckerProperties(@DefaultValue("") String signingKeysFile, @DefaultValue("") String signingKeyId,
		@DefaultValue("") String encryptionKeysFile, @DefaultValue("") String encryptionKeyId,
		@DefaultValue("1h") Duration accessTokenLifetime) {
}
