package org.revocation.gateway.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * The console's only way to read users and revoke sessions: this gateway's own Graph API over HTTP, with the
 * administrator's delegated token, exactly as an external caller. The console therefore has no power the API does not
 * give: authorization, rate limits, continuous access evaluation and the audit trail all apply unchanged.
 */
@Component
class GraphClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Environment environment;

	GraphClient(Environment environment) {
		this.environment = environment;
	}

	/** {@code GET /v1.0/...}: path and query, already encoded. */
	Answer get(String accessToken, String pathAndQuery) {
		return send(request(accessToken, pathAndQuery).GET().build()).join();
	}

	/** {@code POST /v1.0/users/{id}/revokeSignInSessions}, timed from the call to Graph's answer. */
	CompletableFuture<Answer> revoke(String accessToken, String userId) {
		HttpRequest request = request(accessToken, "/users/" + segment(userId) + "/revokeSignInSessions")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return send(request);
	}

	static String segment(String value) {
		return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
	}

	static String query(String value) {
		return UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8);
	}

	private HttpRequest.Builder request(String accessToken, String pathAndQuery) {
		return HttpRequest.newBuilder(URI.create(base() + "/v1.0" + pathAndQuery))
			.timeout(TIMEOUT)
			.header("Authorization", "Bearer " + accessToken)
			.header("Accept", "application/json")
			.header("client-request-id", UUID.randomUUID().toString());
	}

	private CompletableFuture<Answer> send(HttpRequest request) {
		long started = System.nanoTime();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, ex) -> {
			long millis = (System.nanoTime() - started) / 1_000_000;
			if (ex != null) {
				return new Answer(503, null, "ServiceUnavailable", "The Graph API did not answer: " + ex.getMessage(),
						null, millis);
			}
			JsonNode body = parse(response.body());
			String code = null;
			String message = null;
			if (response.statusCode() >= 400) {
				JsonNode error = (body != null) ? body.path("error") : null;
				code = (error != null) ? error.path("code").asString("") : "";
				message = (error != null) ? error.path("message").asString("") : response.body();
			}
			return new Answer(response.statusCode(), body, code, message,
					response.headers().firstValue("request-id").orElse(null), millis);
		});
	}

	private String base() {
		return "http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port");
	}

	private static JsonNode parse(String body) {
		try {
			return (body == null || body.isBlank()) ? null : JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * One Graph answer.
	 *
	 * @param status the HTTP status
	 * @param body the JSON body, or null
	 * @param errorCode Graph's {@code error.code} when the status is an error
	 * @param errorMessage Graph's {@code error.message} when the status is an error
	 * @param requestId the {@code request-id} Graph answered with
	 * @param millis from sending the request to the answer
	 */
	record Answer(int status, JsonNode body, String errorCode, String errorMessage, String requestId, long millis) {

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}
	}
}
