package org.revocation.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.revocation.core.crypto.NativeCrypto;
import org.revocation.core.rule.RevocationRule;

/**
 * JMH microbenchmarks of the hot path, with the same primitives the services use: the revocation rule, the refresh
 * token's decryption (JWE {@code dir} + A256GCM, nimbus) and an access token's RS256 signature verification, with the
 * crypto provider the services install. {@link SigningCeiling} measures RS256 signatures per second on all cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

	private final RevocationRule rule = new RevocationRule(Duration.ofSeconds(1));

	private final Instant signedIn = Instant.parse("2026-11-25T10:00:00Z");

	private final Optional<Instant> cutoff = Optional.of(Instant.parse("2026-11-25T10:00:05Z"));

	private OctetSequenceKey encryptionKey;

	private String refreshToken;

	private RSAKey signingKey;

	private RSASSAVerifier verifier;

	private String accessToken;

	@Setup
	public void setUp() throws Exception {
		NativeCrypto.install(); // the provider the services install at start (ACCP where the platform has it)
		this.encryptionKey = new OctetSequenceKeyGenerator(256).keyID("enc").generate();
		EncryptedJWT jwe = new EncryptedJWT(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
			.type(new JOSEObjectType("rt+jwe")).keyID("enc").build(), claims());
		jwe.encrypt(new DirectEncrypter(this.encryptionKey));
		this.refreshToken = jwe.serialize();
		this.signingKey = new RSAKeyGenerator(2048).keyID("sig").generate();
		SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("sig").build(), claims());
		jws.sign(new RSASSASigner(this.signingKey));
		this.accessToken = jws.serialize();
		this.verifier = new RSASSAVerifier(this.signingKey.toRSAPublicKey());
	}

	private static JWTClaimsSet claims() {
		return new JWTClaimsSet.Builder().subject("04e0be6a-6173-4a8b-91fb-21ae1105967a")
			.claim("tid", "f914a70e-66af-4bd6-835d-1be02bff9399")
			.claim("sit", 1732500000123L)
			.claim("scp", "openid offline_access User.Read")
			.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
			.build();
	}

	@Benchmark
	public boolean ruleCheck() {
		return this.rule.isRevoked(this.signedIn, this.cutoff);
	}

	@Benchmark
	public JWTClaimsSet refreshTokenDecryption() throws Exception {
		EncryptedJWT jwe = EncryptedJWT.parse(this.refreshToken);
		jwe.decrypt(new DirectDecrypter(this.encryptionKey));
		return jwe.getJWTClaimsSet();
	}

	@Benchmark
	public boolean accessTokenVerification() throws Exception {
		return SignedJWT.parse(this.accessToken).verify(this.verifier);
	}
}
