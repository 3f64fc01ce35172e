package org.revocation.tokenchecker.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.revocation.tokenchecker.config.TokenCheckerProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Key rotation: every key of the file is published, the configured one signs, older tokens still verify. */
class SigningKeysTests {

	@TempDir
	Path dir;

	@Test
	void rotateWhenSigningKeyIdChangesThenTokensOfThePreviousKeyStillVerify() throws Exception {
		Path file = this.dir.resolve("signing-jwks.json");
		SigningKeys first = new SigningKeys(properties(file, ""));
		assertThat(Files.exists(file)).isTrue();
		List<String> kids = JWKSet.load(file.toFile()).getKeys().stream().map(JWK::getKeyID).toList();
		assertThat(kids).hasSizeGreaterThanOrEqualTo(2);
		assertThat(first.publicKeys().getKeys()).allSatisfy((key) -> assertThat(key.isPrivate()).isFalse());
		String old = first.sign(new JWTClaimsSet.Builder().subject("before-rotation").build());
		assertThat(SignedJWT.parse(old).getHeader().getKeyID()).isEqualTo(kids.get(0));

		SigningKeys rotated = new SigningKeys(properties(file, kids.get(1)));
		String fresh = rotated.sign(new JWTClaimsSet.Builder().subject("after-rotation").build());
		assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo(kids.get(1));
		DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();
		verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
				new ImmutableJWKSet<>(rotated.publicKeys())));
		assertThat(verifier.process(old, null).getSubject()).isEqualTo("before-rotation");
		assertThat(verifier.process(fresh, null).getSubject()).isEqualTo("after-rotation");
	}

	@Test
	void constructWhenSigningKeyIdUnknownThenRefusesToStart() {
		Path file = this.dir.resolve("signing-jwks.json");
		new SigningKeys(properties(file, ""));
		assertThatIllegalStateException().isThrownBy(() -> new SigningKeys(properties(file, "no-such-kid")))
			.withMessageContaining("no signing key with kid no-such-kid");
	}

	private static TokenCheckerProperties properties(Path file, String kid) {
		return new TokenCheckerProperties(file.toString(), kid, "", "", Duration.ofHours(1),
				new TokenCheckerProperties.Lockout(10, Duration.ofSeconds(60)));
	}
}
