package org.revocation.tokenchecker.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a JWK set file shared by all replicas, or generates it once when it is configured but does not exist yet
 * (created atomically, so replicas starting together agree on one file).
 */
final class KeyFiles {

	private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);

	private KeyFiles() {
	}

	static JWKSet loadOrGenerate(String file, String what, Supplier<JWKSet> generator) {
		if (file == null || file.isBlank()) {
			log.warn("no {} file configured: using keys generated in memory (a single replica only)", what);
			return generator.get();
		}
		Path path = Path.of(file);
		try {
			if (!Files.exists(path)) {
				generate(path, what, generator);
			}
			return JWKSet.parse(Files.readString(path, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + what + " file " + file, ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException(what + " file " + file + " is not a JWK set: " + ex.getMessage(), ex);
		}
	}

	private static void generate(Path path, String what, Supplier<JWKSet> generator) throws IOException {
		Path parent = path.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		Path temp = Files.createTempFile(parent, ".keys", ".tmp");
		Files.writeString(temp, generator.get().toString(false), StandardCharsets.UTF_8);
		try {
			Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
			log.info("generated {} file {}", what, path);
		}
		catch (FileAlreadyExistsException ex) {
			Files.deleteIfExists(temp);
		}
	}
}
