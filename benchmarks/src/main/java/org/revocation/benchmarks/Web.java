package org.revocation.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The load generator's HTTP: Java's HttpClient, to 127.0.0.1 only, every request with a timeout. */
final class Web {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Several clients: one HttpClient's single selector thread cannot keep up with dozens of callers. */
	private static final HttpClient[] CLIENTS = new HttpClient[16];

	static {
		for (int i = 0; i < CLIENTS.length; i++) {
			CLIENTS[i] = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
				.version(HttpClient.Version.HTTP_1_1)
				.build();
		}
	}

	record Answer(int status, String body, Map<String, java.util.List<String>> headers) {

		JsonNode json() {
			return (this.body.startsWith("{") || this.body.startsWith("[")) ? JSON.readTree(this.body)
					: JSON.createObjectNode();
		}

		String text(String field) {
			JsonNode node = json().get(field);
			return (node != null) ? node.asString() : null;
		}
	}

	private Web() {
	}

	static Answer form(String url, Map<String, String> fields, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(local(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request);
	}

	static Answer json(String method, String url, String body, String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(local(url)).header("Authorization", "Bearer " + bearer)
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		return send(request);
	}

	static Answer get(String url) {
		return send(HttpRequest.newBuilder(local(url)).GET());
	}

	static String basic(String user, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	static String encode(Map<String, String> fields) {
		return fields.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	/** Load goes to the loopback interface only. */
	private static URI local(String url) {
		URI uri = URI.create(url);
		if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
			throw new IllegalArgumentException("benchmarks send traffic to 127.0.0.1 only, not " + uri.getHost());
		}
		return uri;
	}

	private static Answer send(HttpRequest.Builder request) {
		try {
			HttpClient client = CLIENTS[(int) (Thread.currentThread().getId() % CLIENTS.length)];
			HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			return new Answer(0, ex.getClass().getSimpleName() + ": " + ex.getMessage(), Map.of());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Answer(0, "interrupted", Map.of());
		}
	}
}
