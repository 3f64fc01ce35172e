package org.revocation.tokenchecker.refresh;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;
import org.revocation.tokenchecker.config.TokenCheckerProperties;
import org.revocation.tokenchecker.keys.EncryptionKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RefreshTokenCodecTests {

	private static final Instant SIGNED_IN = Instant.parse("2026-11-25T10:00:00.123Z");

	private final RefreshTokenCodec codec = new RefreshTokenCodec(new EncryptionKeys(properties()));

	@Test
	void decodeWhenEncodedThenSameTokenWithMillisecondSignInTime() {
		RefreshToken token = token();
		assertThat(this.codec.decode(this.codec.encode(token))).isEqualTo(token);
	}

	@Test
	void encodeThenOpaque() {
		String encoded = this.codec.encode(token());
		assertThat(encoded.split("\\.")).hasSize(5);
		assertThat(encoded).doesNotContain(DemoTenant.BOB.id());
	}

	@Test
	void decodeWhenTamperedThenInvalid() {
		String encoded = this.codec.encode(token());
		String[] parts = encoded.split("\\.");
		char[] cipher = parts[3].toCharArray();
		cipher[5] = (cipher[5] == 'A') ? 'B' : 'A';
		parts[3] = new String(cipher);
		assertThatThrownBy(() -> this.codec.decode(String.join(".", parts)))
			.isInstanceOf(InvalidRefreshTokenException.class);
	}

	@Test
	void decodeWhenEncryptedWithAnotherKeyThenInvalid() {
		String other = new RefreshTokenCodec(new EncryptionKeys(properties())).encode(token());
		assertThatThrownBy(() -> this.codec.decode(other)).isInstanceOf(InvalidRefreshTokenException.class);
	}

	@Test
	void decodeWhenGarbageThenInvalid() {
		assertThatThrownBy(() -> this.codec.decode("not-a-token")).isInstanceOf(InvalidRefreshTokenException.class);
		assertThatThrownBy(() -> this.codec.decode("")).isInstanceOf(InvalidRefreshTokenException.class);
	}

	private static RefreshToken token() {
		return new RefreshToken("rt-1", DemoTenant.CONTOSO, DemoTenant.BOB.id(), DemoTenant.CONTOSO_CLI.clientId(),
				"session-1", SIGNED_IN, "openid profile offline_access User.Read", SIGNED_IN.plusSeconds(60),
				SIGNED_IN.plus(Duration.ofDays(90)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)); // exp is whole seconds
	}

	private static TokenCheckerProperties properties() {
		return new TokenCheckerProperties("", "", "", "", Duration.ofHours(1),
				new TokenCheckerProperties.Lockout(10, Duration.ofSeconds(60)));
	}
}
