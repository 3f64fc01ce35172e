package org.revocation.benchmarks;

import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
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

/**
 * The signing ceiling of this machine (PERFORMANCE.md): RS256 signatures of an access token per second, run with as
 * many JMH threads as there are cores, with the provider the services install. Every grant costs one (client
 * credentials) or two (refresh: access token and id_token) of them, so no design exceeds this ÷ signatures per grant.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigningCeiling {

	private RSASSASigner signer;

	private JWTClaimsSet claims;

	@Setup
	public void setUp() throws Exception {
		NativeCrypto.install();
		RSAKey key = new RSAKeyGenerator(2048).keyID("sig").generate();
		this.signer = new RSASSASigner(key); // once, shared by the threads, as the token-checker's SigningKeys does
		this.claims = new JWTClaimsSet.Builder().subject("04e0be6a-6173-4a8b-91fb-21ae1105967a")
			.claim("tid", "f914a70e-66af-4bd6-835d-1be02bff9399")
			.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
			.build();
	}

	@Benchmark
	public String rs256Sign() throws Exception {
		SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("sig").build(), this.claims);
		jws.sign(this.signer);
		return jws.serialize();
	}
}
