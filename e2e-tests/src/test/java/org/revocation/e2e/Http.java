package org.revocation.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client over java.net.http: form posts and JSON answers. */
final class Http {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	record Answer(int status, JsonNode json, HttpResponse<String> response) {

		String text(String field) {
			JsonNode node = this.json.get(field);
			return (node != null) ? node.asString() : null;
		}
	}

	private Http() {
	}

	static Answer postForm(String url, Map<String, String> form) {
		String body = form.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	static Answer post(String url, String bearer) {
		return send(HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + bearer)
			.POST(HttpRequest.BodyPublishers.noBody()));
	}

	static Answer get(String url, String bearer) {
		return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).GET());
	}

	private static Answer send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			JsonNode json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
			return new Answer(response.statusCode(), json, response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
