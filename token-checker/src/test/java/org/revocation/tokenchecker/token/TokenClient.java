package org.revocation.tokenchecker.token;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/** A test client of the token endpoint (contoso-cli, password grant, refresh). */
final class TokenClient {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	TokenClient(String base) {
		this.base = base;
	}

	record Answer(int status, JsonNode json, HttpResponse<String> response) {

		String text(String field) {
			JsonNode node = this.json.get(field);
			return (node != null) ? node.asString() : null;
		}
	}

	Answer signIn(DemoTenant.User user) {
		Answer answer = signInAnswer(user);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		return answer;
	}

	Answer signInAnswer(DemoTenant.User user) {
		return post(user.tenantId(), Map.of("grant_type", "password", "client_id", DemoTenant.CONTOSO_CLI.clientId(),
				"username", user.upn(), "password", user.password(), "scope", "openid profile offline_access User.Read"));
	}

	Answer refresh(String refreshToken) {
		return refreshAnswer(refreshToken);
	}

	Answer refreshAnswer(String refreshToken) {
		return post(DemoTenant.CONTOSO, Map.of("grant_type", "refresh_token", "client_id",
				DemoTenant.CONTOSO_CLI.clientId(), "refresh_token", refreshToken));
	}

	Answer post(String tenant, Map<String, String> form) {
		String body = form.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(URI.create(this.base + "/" + tenant + "/oauth2/v2.0/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	Answer get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	static String claims(String jwt) {
		return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
	}

	private static Answer send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
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
