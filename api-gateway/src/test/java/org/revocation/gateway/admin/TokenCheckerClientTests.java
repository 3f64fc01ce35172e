package org.revocation.gateway.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCheckerClientTests {

	@Test
	void challengeWhenVerifierThenBase64UrlOfItsSha256() {
		// printf %s "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='
		assertThat(TokenCheckerClient.challenge("dBjftJeZ4CVP-mJ0kzBSvmlW8jF7oCJ2ZsoBhwDzCSk"))
			.isEqualTo("-zRRWh3D_fNgeHMeFwAtO4zizTW64t7I5rDZ3B-Cm0o");
	}

	@Test
	void randomTokenWhenDrawnThenAValidPkceVerifier() {
		String verifier = TokenCheckerClient.randomToken();
		assertThat(verifier).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(TokenCheckerClient.randomToken());
	}

	@Test
	void authorityWhenNotConfiguredThenTheOriginOfTheJwksUri() {
		assertThat(TokenCheckerClient.authority("", "http://127.0.0.1:41234/common/discovery/v2.0/keys"))
			.isEqualTo("http://127.0.0.1:41234");
		assertThat(TokenCheckerClient.authority("https://login.example.test/", "http://localhost:8081/x"))
			.isEqualTo("https://login.example.test");
	}
}
