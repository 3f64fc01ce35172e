package org.revocation.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** Publishes {@link TestTokens#KEY} as a JWK set on a random loopback port, like the token-checker's keys endpoint. */
final class JwksServer {

	private static final HttpServer SERVER = start();

	private JwksServer() {
	}

	static String url() {
		return "http://127.0.0.1:" + SERVER.getAddress().getPort() + "/keys";
	}

	private static HttpServer start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/keys", (exchange) -> {
				byte[] body = TestTokens.jwks().getBytes(StandardCharsets.UTF_8);
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
