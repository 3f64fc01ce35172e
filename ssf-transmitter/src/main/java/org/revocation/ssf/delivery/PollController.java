package org.revocation.ssf.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.ssf.auth.AppCaller;
import org.revocation.ssf.auth.AppTokenVerifier;
import org.revocation.ssf.auth.SsfException;
import org.revocation.ssf.stream.Stream;
import org.revocation.ssf.stream.StreamStore;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 8936 poll endpoint of a poll stream, {@code POST <issuer>/ssf/poll/<stream id>} (the stream's
 * {@code delivery.endpoint_url}), with the same app token as stream management. Request members {@code maxEvents},
 * {@code returnImmediately}, {@code ack}, {@code setErrs} (section 2.4); answer {@code sets} (jti → SET) and
 * {@code moreAvailable} (section 2.5).
 */
@RestController
class PollController {

	/** The most SETs one answer carries when the receiver sets no {@code maxEvents}. */
	static final int DEFAULT_MAX_EVENTS = 1000;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final AppTokenVerifier verifier;

	private final StreamStore store;

	private final Deliveries deliveries;

	PollController(AppTokenVerifier verifier, StreamStore store, Deliveries deliveries) {
		this.verifier = verifier;
		this.store = store;
		this.deliveries = deliveries;
	}

	@PostMapping("/{tenant}/ssf/poll/{streamId}")
	ResponseEntity<Map<String, Object>> poll(@PathVariable String tenant, @PathVariable String streamId,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) throws InterruptedException {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		Stream stream = this.store.get(caller.tenantId(), streamId);
		PollOutbox outbox = this.deliveries.pollOutbox(stream.streamId())
			.orElseThrow(() -> SsfException.badRequest("Stream " + streamId + " does not use poll delivery."));
		JsonNode json = parse(body);
		int maxEvents = DEFAULT_MAX_EVENTS;
		JsonNode max = json.get("maxEvents");
		if (max != null) {
			if (!max.isIntegralNumber() || max.asInt() < 0) {
				throw SsfException.badRequest("maxEvents must be a non-negative integer.");
			}
			maxEvents = Math.min(max.asInt(), DEFAULT_MAX_EVENTS);
		}
		JsonNode immediately = json.get("returnImmediately");
		if (immediately != null && !immediately.isBoolean()) {
			throw SsfException.badRequest("returnImmediately must be a boolean.");
		}
		List<String> acks = new ArrayList<>();
		JsonNode ack = json.get("ack");
		if (ack != null) {
			if (!ack.isArray()) {
				throw SsfException.badRequest("ack must be an array of jti values.");
			}
			ack.forEach((jti) -> acks.add(jti.asString()));
		}
		Map<String, String> errors = new LinkedHashMap<>();
		JsonNode setErrs = json.get("setErrs");
		if (setErrs != null) {
			if (!setErrs.isObject()) {
				throw SsfException.badRequest("setErrs must be an object of jti → {err, description}.");
			}
			for (Map.Entry<String, JsonNode> entry : setErrs.properties()) {
				JsonNode error = entry.getValue();
				errors.put(entry.getKey(), error.path("err").asString("") + ": " + error.path("description").asString(""));
			}
		}
		PollOutbox.Batch batch = outbox.poll(acks, errors, maxEvents,
				immediately != null && immediately.asBoolean());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("sets", batch.sets());
		answer.put("moreAvailable", batch.moreAvailable());
		return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(answer);
	}

	private static JsonNode parse(String body) {
		if (body == null || body.isBlank()) {
			return MAPPER.createObjectNode();
		}
		try {
			JsonNode json = MAPPER.readTree(body);
			if (json == null || !json.isObject()) {
				throw SsfException.badRequest("The body must be a JSON object.");
			}
			return json;
		}
		catch (JacksonException ex) {
			throw SsfException.badRequest("The body is not JSON: " + ex.getOriginalMessage());
		}
	}
}
