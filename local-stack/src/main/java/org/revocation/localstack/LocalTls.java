package org.revocation.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for the local system (DESIGN.md section 5), made with the JDK's keytool: a self-signed certificate for
 * {@code localhost} / {@code 127.0.0.1} in {@code keystore.p12} (the services' key store), the same certificate in
 * {@code truststore.p12} (PKCS12, password {@code changeit}) and {@code ca.pem} for clients.
 */
public final class LocalTls {

	public static final String PASSWORD = "changeit";

	private LocalTls() {
	}

	/** Creates the material in {@code dir} unless it is already there. */
	public static Path ensure(Path dir) {
		Path keyStore = dir.resolve("keystore.p12");
		if (Files.exists(keyStore) && Files.exists(dir.resolve("truststore.p12")) && Files.exists(dir.resolve("ca.pem"))) {
			return dir;
		}
		try {
			Files.createDirectories(dir);
			for (String name : List.of("keystore.p12", "truststore.p12", "ca.pem")) {
				Files.deleteIfExists(dir.resolve(name));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		keytool(dir, "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
				"-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(),
				"-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool(dir, "-exportcert", "-rfc", "-alias", "localhost", "-keystore", keyStore.toString(), "-storetype",
				"PKCS12", "-storepass", PASSWORD, "-file", dir.resolve("ca.pem").toString());
		keytool(dir, "-importcert", "-noprompt", "-alias", "localhost", "-file", dir.resolve("ca.pem").toString(),
				"-keystore", dir.resolve("truststore.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
		return dir;
	}

	/** An SSL context for clients that trusts the certificate in {@code dir} (its {@code truststore.p12}). */
	public static SSLContext clientContext(Path dir) {
		try (InputStream in = Files.newInputStream(dir.resolve("truststore.p12"))) {
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(in, PASSWORD.toCharArray());
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, factory.getTrustManagers(), null);
			return context;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void keytool(Path dir, String... args) {
		List<String> command = new java.util.ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		ManagedProcess keytool = new ManagedProcess("keytool", command, Map.of(), dir.resolve("keytool.log")).start();
		keytool.awaitReady(Duration.ofSeconds(60), () -> !keytool.isAlive());
	}
}
