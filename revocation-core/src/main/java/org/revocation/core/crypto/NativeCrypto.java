package org.revocation.core.crypto;

import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.Signature;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Amazon Corretto Crypto Provider (AWS-LC, native) as the first security provider when it loads and is
 * healthy on this platform, so RSA signatures and verifications, AES-GCM and SHA-2 run natively (RS256 signing about
 * four times faster than the JDK provider on the project's machines, PERFORMANCE.md); otherwise, or with
 * {@code NATIVE_CRYPTO=false}, the JDK providers stay. Either way one start-up line names the provider in use.
 */
public final class NativeCrypto {

	private static final Logger log = LoggerFactory.getLogger(NativeCrypto.class);

	private static volatile String provider;

	private NativeCrypto() {
	}

	/** Idempotent; returns the name of the provider that signs RS256. */
	public static synchronized String install() {
		if (provider != null) {
			return provider;
		}
		boolean wanted = !"false".equalsIgnoreCase(System.getenv("NATIVE_CRYPTO"))
				&& !"false".equalsIgnoreCase(System.getProperty("revocation.native-crypto"));
		String reason = "disabled by NATIVE_CRYPTO=false";
		if (wanted) {
			try {
				AmazonCorrettoCryptoProvider.install();
				Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
				if (error == null) {
					AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
					reason = null;
				}
				else {
					Security.removeProvider(AmazonCorrettoCryptoProvider.INSTANCE.getName());
					reason = "native library not available on this platform: " + error;
				}
			}
			catch (Throwable ex) { // a missing or broken native library must never stop the service
				Security.removeProvider("AmazonCorrettoCryptoProvider");
				reason = "could not be installed: " + ex;
			}
		}
		try {
			provider = Signature.getInstance("SHA256withRSA").getProvider().getName();
		}
		catch (GeneralSecurityException ex) {
			provider = "none";
		}
		if (reason == null) {
			log.info("crypto: RSA, AES-GCM and SHA-2 by {} (native AWS-LC)", provider);
		}
		else {
			log.info("crypto: RSA by {} (Amazon Corretto Crypto Provider {})", provider, reason);
		}
		return provider;
	}
}
