package org.revocation.ssf;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;

/**
 * An SSF push receiver (RFC 8935) on a random loopback port: one endpoint per name, each answering as its
 * {@link Endpoint#behavior} says (202 by default) and keeping what it accepted and every attempt. {@link #verify}
 * checks a SET the way a receiver must: signature with a key from the transmitter's published JWKS, header
 * {@code typ} {@code secevent+jwt}, RS256.
 */
final class TestReceiver implements AutoCloseable {

	private final HttpServer server;

	private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

	TestReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(Executors.newFixedThreadPool(8));
		this.server.createContext("/receiver/", (exchange) -> {
			String name = exchange.getRequestURI().getPath().substring("/receiver/".length());
			Endpoint endpoint = endpoint(name);
			String token;
			try (InputStream body = exchange.getRequestBody()) {
				token = new String(body.readAllBytes(), StandardCharsets.UTF_8);
			}
			Push push = new Push(token, exchange.getRequestHeaders().getFirst("Authorization"),
					exchange.getRequestHeaders().getFirst("Content-Type"), System.nanoTime());
			endpoint.attempts.add(push);
			int status = endpoint.behavior.applyAsInt(push);
			if (status == 202) {
				endpoint.accepted.add(push);
			}
			byte[] answer = (status == 400)
					? "{\"err\":\"invalid_request\",\"description\":\"test receiver refuses it\"}".getBytes(StandardCharsets.UTF_8)
					: new byte[0];
			exchange.sendResponseHeaders(status, (answer.length == 0) ? -1 : answer.length);
			if (answer.length > 0) {
				exchange.getResponseBody().write(answer);
			}
			exchange.close();
		});
		this.server.start();
	}

	Endpoint endpoint(String name) {
		return this.endpoints.computeIfAbsent(name, (n) -> new Endpoint());
	}

	String url(String name) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/receiver/" + name;
	}

	/** Verifies signature (key from {@code jwksUri}), {@code typ} and algorithm; returns the claims. */
	static JWTClaimsSet verify(String token, String jwksUri) throws Exception {
		return PROCESSORS.computeIfAbsent(jwksUri, TestReceiver::processor).process(token, null);
	}

	private static final Map<String, DefaultJWTProcessor<SecurityContext>> PROCESSORS = new ConcurrentHashMap<>();

	private static DefaultJWTProcessor<SecurityContext> processor(String jwksUri) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
		try {
			processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
					JWKSourceBuilder.create(URI.create(jwksUri).toURL()).build()));
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException(ex);
		}
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		return processor;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	record Push(String token, String authorization, String contentType, long receivedNanos) {

		/** The unverified {@code txn} claim, for bookkeeping only ({@link #verify} checks the SET). */
		String txn() {
			try {
				Object txn = SignedJWT.parse(this.token).getJWTClaimsSet().getClaim("txn");
				return (txn != null) ? txn.toString() : "";
			}
			catch (ParseException ex) {
				return "";
			}
		}
	}

	static final class Endpoint {

		final List<Push> accepted = new CopyOnWriteArrayList<>();

		final List<Push> attempts = new CopyOnWriteArrayList<>();

		volatile ToIntFunction<Push> behavior = (push) -> 202;
	}
}
