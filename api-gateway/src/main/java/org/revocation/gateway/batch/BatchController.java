package org.revocation.gateway.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import org.revocation.gateway.auth.AccessTokenVerifier;
import org.revocation.gateway.graph.GraphErrorHandler;
import org.revocation.gateway.graph.GraphException;
import org.revocation.gateway.graph.GraphRequestFilter;
import org.revocation.gateway.graph.GraphResponses;
import org.revocation.gateway.revoke.Revocations;

/**
 * Graph JSON batching, {@code POST /{v1.0|beta}/$batch}: up to {@value #MAX_REQUESTS} requests
 * ({@code id, method, url, headers, body, dependsOn}) answered as {@code {"responses":[{id, status, headers, body}]}} in
 * request order. Each request is its own call: authenticated, rate-limited and authorized by the same code as alone.
 * Revocations run through {@link Revocations}: every independent one is published before any is awaited, so one batch
 * shares the producer's batches and its waits. Other requests run in process through {@link InternalDispatcher}. A
 * request with {@code dependsOn} runs after those it names; if one of them failed it is answered 424. A malformed batch,
 * or more than {@value #MAX_REQUESTS} requests, is a 400 Graph error for the whole batch.
 */
@RestController
class BatchController {

	private static final Logger log = LoggerFactory.getLogger(BatchController.class);

	static final int MAX_REQUESTS = 20;

	private static final int MAX_BODY_BYTES = 1024 * 1024;

	private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final AccessTokenVerifier tokens;

	private final Revocations revocations;

	private final InternalDispatcher dispatcher;

	private final GraphErrorHandler errors;

	BatchController(AccessTokenVerifier tokens, Revocations revocations, InternalDispatcher dispatcher,
			GraphErrorHandler errors) {
		this.tokens = tokens;
		this.revocations = revocations;
		this.dispatcher = dispatcher;
		this.errors = errors;
	}

	/** One request of the batch, as parsed. */
	record Step(String id, String method, String url, Map<String, String> headers, JsonNode body,
			List<String> dependsOn) {
	}

	@PostMapping("/{version}/$batch")
	CompletableFuture<ResponseEntity<Map<String, Object>>> batch(@PathVariable String version,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletRequest request, HttpServletResponse response) {
		GraphResponses.checkVersion(version);
		this.tokens.verify(authorization); // a batch without a valid token is refused whole, as Graph refuses it
		Map<String, Step> steps = parse(request.getContentType(), body);
		Run run = new Run(version, authorization, request, response);
		List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>(steps.size());
		for (Step step : steps.values()) {
			answers.add(run.start(step, steps));
		}
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			List<Map<String, Object>> responses = new ArrayList<>(answers.size());
			answers.forEach((answer) -> responses.add(answer.join()));
			Map<String, Object> batch = new LinkedHashMap<>();
			batch.put("responses", responses);
			return ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.header("OData-Version", "4.0")
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.body(batch);
		});
	}

	/** The requests of a batch, by id in the order given; a 400 for anything Graph refuses as a malformed batch. */
	static Map<String, Step> parse(String contentType, byte[] body) {
		if (body == null || body.length == 0) {
			throw invalid("the body is empty.");
		}
		if (body.length > MAX_BODY_BYTES) {
			throw new GraphException(HttpStatus.PAYLOAD_TOO_LARGE, "RequestEntityTooLarge",
					"The request body is larger than " + MAX_BODY_BYTES + " bytes.");
		}
		if (!isJson(contentType)) {
			throw new GraphException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "BadRequest",
					"A supported MIME type could not be found that matches the content type of the request.");
		}
		JsonNode root;
		try {
			root = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw invalid("the body is not a valid JSON document.");
		}
		if (root == null || !root.isObject() || !root.has("requests") || !root.get("requests").isArray()) {
			throw invalid("a JSON object with a 'requests' array is expected.");
		}
		JsonNode requests = root.get("requests");
		if (requests.size() > MAX_REQUESTS) {
			throw GraphException.badRequest("Number of requests exceeds the limit of " + MAX_REQUESTS + ".");
		}
		if (requests.isEmpty()) {
			throw invalid("the 'requests' array is empty.");
		}
		Map<String, Step> steps = new LinkedHashMap<>();
		for (JsonNode node : requests) {
			Step step = step(node);
			if (steps.putIfAbsent(step.id(), step) != null) {
				throw invalid("request id '" + step.id() + "' is not unique.");
			}
		}
		for (Step step : steps.values()) {
			for (String dependency : step.dependsOn()) {
				if (!steps.containsKey(dependency) || dependency.equals(step.id())) {
					throw invalid("request '" + step.id() + "' depends on '" + dependency
							+ "', which is not another request of the batch.");
				}
			}
			checkAcyclic(step, steps, new HashSet<>(), new HashSet<>());
		}
		return steps;
	}

	private static Step step(JsonNode node) {
		if (!node.isObject()) {
			throw invalid("each request must be a JSON object.");
		}
		String id = text(node, "id");
		String method = text(node, "method");
		String url = text(node, "url");
		if (id == null || id.isBlank()) {
			throw invalid("each request needs an 'id'.");
		}
		if (method == null || !METHODS.contains(method.toUpperCase(Locale.ROOT))) {
			throw invalid("request '" + id + "' has no valid 'method'.");
		}
		if (url == null || url.isBlank() || url.contains("://") || url.startsWith("//")) {
			throw invalid("request '" + id + "' needs a relative 'url'.");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		JsonNode headerNode = node.get("headers");
		if (headerNode != null && !headerNode.isNull()) {
			if (!headerNode.isObject()) {
				throw invalid("the 'headers' of request '" + id + "' must be a JSON object.");
			}
			for (Map.Entry<String, JsonNode> header : headerNode.properties()) {
				if (!header.getValue().isValueNode()) {
					throw invalid("header '" + header.getKey() + "' of request '" + id + "' must be a string.");
				}
				headers.put(header.getKey(), header.getValue().asString());
			}
		}
		JsonNode body = node.get("body");
		if (body != null && body.isNull()) {
			body = null;
		}
		if (body != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
			throw invalid("request '" + id + "' has a body but no Content-Type header.");
		}
		List<String> dependsOn = new ArrayList<>();
		JsonNode depends = node.get("dependsOn");
		if (depends != null && !depends.isNull()) {
			if (!depends.isArray()) {
				throw invalid("the 'dependsOn' of request '" + id + "' must be an array of request ids.");
			}
			for (JsonNode dependency : depends) {
				if (!dependency.isValueNode()) {
					throw invalid("the 'dependsOn' of request '" + id + "' must be an array of request ids.");
				}
				dependsOn.add(dependency.asString());
			}
		}
		return new Step(id, method.toUpperCase(Locale.ROOT), url, headers, body, List.copyOf(dependsOn));
	}

	private static String text(JsonNode node, String name) {
		JsonNode value = node.get(name);
		return (value != null && value.isValueNode() && !value.isNull()) ? value.asString() : null;
	}

	private static void checkAcyclic(Step step, Map<String, Step> steps, Set<String> path, Set<String> done) {
		if (done.contains(step.id())) {
			return;
		}
		if (!path.add(step.id())) {
			throw invalid("the 'dependsOn' of the requests form a cycle through '" + step.id() + "'.");
		}
		for (String dependency : step.dependsOn()) {
			checkAcyclic(steps.get(dependency), steps, path, done);
		}
		path.remove(step.id());
		done.add(step.id());
	}

	private static boolean isJson(String contentType) {
		try {
			return contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private static GraphException invalid(String why) {
		return GraphException.badRequest("Invalid batch payload format: " + why);
	}

	/** One batch being answered: each request's answer, started once. */
	private final class Run {

		private final String version;

		private final String authorization;

		private final HttpServletRequest request;

		private final HttpServletResponse response;

		private final String baseUrl;

		private final Map<String, CompletableFuture<Map<String, Object>>> started = new LinkedHashMap<>();

		Run(String version, String authorization, HttpServletRequest request, HttpServletResponse response) {
			this.version = version;
			this.authorization = authorization;
			this.request = request;
			this.response = response;
			this.baseUrl = ServletUriComponentsBuilder.fromContextPath(request).build().toUriString();
		}

		CompletableFuture<Map<String, Object>> start(Step step, Map<String, Step> steps) {
			CompletableFuture<Map<String, Object>> answer = this.started.get(step.id());
			if (answer != null) {
				return answer;
			}
			if (step.dependsOn().isEmpty()) {
				answer = run(step);
			}
			else {
				List<CompletableFuture<Map<String, Object>>> dependencies = new ArrayList<>();
				for (String dependency : step.dependsOn()) {
					dependencies.add(start(steps.get(dependency), steps));
				}
				answer = CompletableFuture.allOf(dependencies.toArray(CompletableFuture[]::new)).thenComposeAsync((d) -> {
					boolean failed = dependencies.stream().anyMatch((dep) -> ((Integer) dep.join().get("status")) >= 400);
					return failed ? CompletableFuture.completedFuture(error(step.id(),
							new GraphException(HttpStatus.FAILED_DEPENDENCY, "FailedDependency",
									"The request was not run because a request it depends on failed.")))
							: run(step);
				});
			}
			this.started.put(step.id(), answer);
			return answer;
		}

		private CompletableFuture<Map<String, Object>> run(Step step) {
			try {
				byte[] body = bodyOf(step);
				String url = step.url().startsWith("/") ? step.url() : "/" + step.url();
				int question = url.indexOf('?');
				String path = (question >= 0) ? url.substring(0, question) : url;
				String query = (question >= 0) ? url.substring(question + 1) : null;
				String[] segments = path.substring(1).split("/", -1);
				if (UriUtils.decode(segments[0], StandardCharsets.UTF_8).equals("$batch")) {
					throw GraphException.badRequest("A batch request cannot contain another batch request.");
				}
				if ("POST".equals(step.method()) && isRevocation(segments)) {
					Revocations.Call call = new Revocations.Call(this.authorization, header(step, "Content-Type"), body,
							GraphRequestFilter.requestId(this.request), clientRequestId(step), this.baseUrl);
					CompletableFuture<ResponseEntity<Map<String, Object>>> revoked = (segments.length == 2)
							? BatchController.this.revocations.revokeMe(this.version, segments[1], call)
							: BatchController.this.revocations.revokeUser(this.version,
									UriUtils.decode(segments[1], StandardCharsets.UTF_8), segments[2], call);
					return revoked.handle((entity, ex) -> (ex == null) ? answer(step.id(), entity) : error(step.id(), ex));
				}
				return CompletableFuture.completedFuture(dispatch(step, path, query, body));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.completedFuture(error(step.id(), ex));
			}
		}

		private Map<String, Object> dispatch(Step step, String path, String query, byte[] body) {
			Map<String, String> headers = new LinkedHashMap<>(step.headers());
			headers.keySet().removeIf(HttpHeaders.AUTHORIZATION::equalsIgnoreCase);
			if (this.authorization != null) {
				headers.put(HttpHeaders.AUTHORIZATION, this.authorization);
			}
			Map<String, Object> attributes = new LinkedHashMap<>();
			for (String name : java.util.Collections.list(this.request.getAttributeNames())) {
				if (name.startsWith(GraphRequestFilter.class.getName())) {
					attributes.put(name, this.request.getAttribute(name));
				}
			}
			SubRequest sub = new SubRequest(this.request, step.method(), "/" + this.version + path, query, headers, body,
					attributes);
			try {
				SubResponse answer = BatchController.this.dispatcher.dispatch(sub, this.response);
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("id", step.id());
				result.put("status", answer.status());
				Map<String, String> answerHeaders = answer.headerMap();
				result.put("headers", answerHeaders);
				byte[] bytes = answer.body();
				if (bytes.length > 0) {
					String type = answerHeaders.get("Content-Type");
					if (isJson(type)) {
						result.put("body", JSON.readTree(bytes));
					}
					else {
						result.put("body", new String(bytes, StandardCharsets.UTF_8));
					}
				}
				return result;
			}
			catch (Exception ex) {
				return error(step.id(), ex);
			}
		}

		private String clientRequestId(Step step) {
			String own = header(step, "client-request-id");
			return (own != null && !own.isBlank() && own.length() <= 128) ? own
					: GraphRequestFilter.clientRequestId(this.request);
		}

		private Map<String, Object> answer(String id, ResponseEntity<Map<String, Object>> entity) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("id", id);
			result.put("status", entity.getStatusCode().value());
			Map<String, String> headers = new LinkedHashMap<>();
			entity.getHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
			result.put("headers", headers);
			if (entity.getBody() != null) {
				result.put("body", entity.getBody());
			}
			return result;
		}

		private Map<String, Object> error(String id, Throwable failure) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
					: failure;
			GraphException graph;
			if (cause instanceof GraphException known) {
				graph = known;
			}
			else {
				log.warn("batch request {} failed", id, cause);
				graph = new GraphException(HttpStatus.INTERNAL_SERVER_ERROR, "generalException",
						"An internal error occurred while processing the request.");
			}
			return answer(id, BatchController.this.errors.write(graph, this.request));
		}
	}

	private static boolean isRevocation(String[] segments) {
		return (segments.length == 2 && "me".equals(segments[0]))
				|| (segments.length == 3 && "users".equals(segments[0]) && !segments[1].isEmpty());
	}

	private static String header(Step step, String name) {
		for (Map.Entry<String, String> header : step.headers().entrySet()) {
			if (header.getKey().equalsIgnoreCase(name)) {
				return header.getValue();
			}
		}
		return null;
	}

	private static byte[] bodyOf(Step step) {
		if (step.body() == null) {
			return null;
		}
		if (step.body().isString() && !isJson(header(step, "Content-Type"))) {
			return step.body().asString().getBytes(StandardCharsets.UTF_8);
		}
		return JSON.writeValueAsBytes(step.body());
	}
}
