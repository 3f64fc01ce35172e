package org.revocation.ssf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * App tokens shaped like the token-checker's client_credentials tokens (docs/contracts.md), signed by a key this
 * fixture publishes as a JWK set on a random loopback port, as the token-checker's keys endpoint does.
 */
final class TestAppTokens {

	static final String ISSUER_BASE = "https://localhost:8443";

	static final String PERMISSION = "SharedSignals.ReadWrite.All";

	private static final RSAKey KEY = generate();

	/** The transmitter's clock in the test: tokens are valid on it, however far the test moves it. */
	static volatile Clock clock = Clock.systemUTC();

	private static final HttpServer JWKS = serve();

	private TestAppTokens() {
	}

	static String jwksUrl() {
		return "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/keys";
	}

	/** {@code Bearer <app-only token>} of a client of a tenant with these application permissions. */
	static String app(String tenantId, String clientId, String... roles) {
		return "Bearer " + sign(base(tenantId, clientId).claim("idtyp", "app").claim("roles", List.of(roles)).build());
	}

	/** {@code Bearer <delegated token>}: even with the permission in {@code scp}, not an app. */
	static String delegated(String tenantId, String clientId, String userId) {
		return "Bearer " + sign(base(tenantId, clientId).subject(userId)
			.claim("oid", userId)
			.claim("idtyp", "user")
			.claim("scp", PERMISSION)
			.claim("auth_time_ms", clock.millis())
			.build());
	}

	private static JWTClaimsSet.Builder base(String tenantId, String clientId) {
		Instant now = clock.instant();
		return new JWTClaimsSet.Builder().issuer(ISSUER_BASE + "/" + tenantId + "/v2.0")
			.audience("https://graph.microsoft.com")
			.subject(clientId)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(2))))
			.claim("tid", tenantId)
			.claim("oid", clientId)
			.claim("appid", clientId)
			.claim("azp", clientId)
			.claim("uti", UUID.randomUUID().toString());
	}

	private static String sign(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(KEY.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(KEY));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer serve() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/keys", (exchange) -> {
				byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
