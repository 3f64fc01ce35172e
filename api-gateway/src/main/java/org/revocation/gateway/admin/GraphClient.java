package org.revocation.gateway.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
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

	/** Graph's limit of requests in one JSON batch. */
	static final int MAX_BATCH = 20;

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

	/**
	 * Revokes several users through Graph JSON batching ({@code POST /v1.0/$batch}, at most 20 requests a batch, as
	 * Graph allows): each revocation is still authorized and rate-limited as its own call, and the gateway publishes a
	 * batch's revocations together and awaits them together. One answer per user, in order; each timed from the call
	 * to its batch's answer.
	 */
	List<Answer> revokeAll(String accessToken, List<String> userIds) {
		List<CompletableFuture<List<Answer>>> batches = new ArrayList<>();
		for (int from = 0; from < userIds.size(); from += MAX_BATCH) {
			batches.add(revokeBatch(accessToken, userIds.subList(from, Math.min(from + MAX_BATCH, userIds.size()))));
		}
		return batches.stream().flatMap((batch) -> batch.join().stream()).toList();
	}

	private CompletableFuture<List<Answer>> revokeBatch(String accessToken, List<String> userIds) {
		ArrayNode requests = JSON.createArrayNode();
		for (int i = 0; i < userIds.size(); i++) {
			requests.addObject()
				.put("id", Integer.toString(i + 1))
				.put("method", "POST")
				.put("url", "/users/" + segment(userIds.get(i)) + "/revokeSignInSessions");
		}
		ObjectNode batch = JSON.createObjectNode();
		batch.set("requests", requests);
		HttpRequest request = request(accessToken, "/$batch").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
			.build();
		return send(request).thenApply((answer) -> {
			List<Answer> answers = new ArrayList<>();
			for (int i = 0; i < userIds.size(); i++) {
				answers.add(answer.ok() ? subAnswer(answer, Integer.toString(i + 1)) : answer);
			}
			return answers;
		});
	}

	/** The answer to request {@code id} of a batch, as if it had been sent alone. */
	private static Answer subAnswer(Answer batch, String id) {
		for (JsonNode response : batch.body().path("responses")) {
			if (id.equals(response.path("id").asString(""))) {
				int status = response.path("status").asInt(500);
				JsonNode body = response.path("body");
				JsonNode error = body.path("error");
				boolean failed = status >= 400;
				return new Answer(status, body, failed ? error.path("code").asString("") : null,
						failed ? error.path("message").asString("") : null,
						response.path("headers").path("request-id").asString(batch.requestId()), batch.millis());
			}
		}
		return new Answer(502, null, "BadGateway", "The batch answer has no response for request " + id,
				batch.requestId(), batch.millis());
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
