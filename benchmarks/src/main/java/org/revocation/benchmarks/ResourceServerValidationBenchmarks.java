package org.revocation.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import org.revocation.core.crypto.NativeCrypto;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.core.event.RevocationEventCodec;
import org.revocation.core.rule.RevocationRule;
import org.revocation.resourceserver.cutoff.LocalCutoffView;
import org.revocation.resourceserver.token.RevocationTokenValidator;

/**
 * What revocation-resource-server adds to each request of a resource server: its token validator over the local view
 * (100,000 revoked users), next to the stock validation Spring Boot configures for {@code issuer-uri} (RS256
 * signature, issuer, timestamps). {@code stockDecode} and {@code starterDecode} are the same decoder without and with
 * the validator; {@code revocationValidator} is the added work alone. Target: at most 5 µs added (issue 18).
 * <p>
 * The view is filled through a Kafka {@code MockConsumer} by its own thread, which is stopped once caught up so that it
 * takes no CPU from the measurement (max lag 1 hour: it stays trusted for the run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResourceServerValidationBenchmarks {

	private static final String TENANT = "f914a70e-66af-4bd6-835d-1be02bff9399";

	private static final String ISSUER = "https://localhost:8443/" + TENANT + "/v2.0";

	private static final int REVOKED_USERS = 100_000;

	private NimbusJwtDecoder stock;

	private NimbusJwtDecoder starter;

	private RevocationTokenValidator validator;

	private LocalCutoffView view;

	private String token;

	private Jwt jwt;

	@Setup
	public void setUp() throws Exception {
		NativeCrypto.install();
		RSAKey key = new RSAKeyGenerator(2048).keyID("sig").generate();
		this.view = filledView();
		this.validator = new RevocationTokenValidator(this.view, new RevocationRule(Duration.ofSeconds(1)));
		this.stock = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
		this.stock.setJwtValidator(JwtValidators.createDefaultWithIssuer(ISSUER));
		this.starter = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
		this.starter.setJwtValidator(
				new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER), this.validator));
		Instant now = Instant.now();
		String user = "04e0be6a-6173-4a8b-91fb-21ae1105967a";
		SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("sig")
			.build(), new JWTClaimsSet.Builder().issuer(ISSUER)
				.audience("https://graph.microsoft.com")
				.subject(user)
				.claim("tid", TENANT)
				.claim("oid", user)
				.claim("idtyp", "user")
				.claim("scp", "User.Read")
				.claim("auth_time", now.minusSeconds(60).getEpochSecond())
				.claim("auth_time_ms", now.minusSeconds(60).toEpochMilli())
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(now.plusSeconds(3600)))
				.build());
		jws.sign(new RSASSASigner(key));
		this.token = jws.serialize();
		this.jwt = this.stock.decode(this.token);
		if (this.starter.decode(this.token) == null || revocationValidator().hasErrors()) {
			throw new IllegalStateException("the benchmark token must be valid");
		}
	}

	@TearDown
	public void tearDown() {
		this.view.close();
	}

	@Benchmark
	public Jwt stockDecode() {
		return this.stock.decode(this.token);
	}

	@Benchmark
	public Jwt starterDecode() {
		return this.starter.decode(this.token);
	}

	@Benchmark
	public OAuth2TokenValidatorResult revocationValidator() {
		return this.validator.validate(this.jwt);
	}

	private static LocalCutoffView filledView() {
		String validFrom = "revocation-events-valid-from";
		String events = "revocation-events";
		TopicPartition validFrom0 = new TopicPartition(validFrom, 0);
		TopicPartition events0 = new TopicPartition(events, 0);
		MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
			@Override
			public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times,
					Duration timeout) {
				return Map.of(); // nothing in the lookback: the view starts the events topic at its end
			}
		};
		consumer.updatePartitions(validFrom, List.of(new PartitionInfo(validFrom, 0, null, null, null)));
		consumer.updatePartitions(events, List.of(new PartitionInfo(events, 0, null, null, null)));
		consumer.updateBeginningOffsets(Map.of(validFrom0, 0L, events0, 0L));
		consumer.updateEndOffsets(Map.of(validFrom0, (long) REVOKED_USERS, events0, 0L));
		consumer.schedulePollTask(() -> {
			Instant cutoff = Instant.now().minusSeconds(3600);
			for (int i = 0; i < REVOKED_USERS; i++) {
				RevocationEvent event = RevocationEvent.accepted(TENANT, UUID.randomUUID().toString(), cutoff,
						Actor.application("bench"), "bench", "bench");
				consumer.addRecord(new ConsumerRecord<>(validFrom, 0, i, event.key().getBytes(),
						RevocationEventCodec.encode(event)));
			}
		});
		LocalCutoffView view = new LocalCutoffView(() -> consumer, validFrom, events, Duration.ofHours(1),
				Duration.ofHours(1), Clock.systemUTC()).start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!view.status().available() || view.users() < REVOKED_USERS) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("view not caught up: " + view.status());
			}
			Thread.onSpinWait();
		}
		view.close(); // keeps its cutoffs; stops the thread (a MockConsumer never blocks in poll)
		return view;
	}
}
