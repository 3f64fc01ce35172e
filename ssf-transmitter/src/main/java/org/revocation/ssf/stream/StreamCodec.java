package org.revocation.ssf.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stored form of a {@link Stream} on the compacted streams topic (key: stream id; a null value deletes it):
 * <pre>
 * {"schemaVersion":1,"streamId","tenantId","audience","createdAt":epoch ms,"status":"enabled|paused|disabled",
 *  "statusReason","method":"push|poll","endpointUrl","authorizationHeader","eventsRequested":[…],"description",
 *  "format":"iss_sub|email","removedSubjects":[user ids]}
 * </pre>
 */
final class StreamCodec {

	static final int SCHEMA_VERSION = 1;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private StreamCodec() {
	}

	static String encode(Stream stream) {
		ObjectNode json = MAPPER.createObjectNode();
		json.put("schemaVersion", SCHEMA_VERSION);
		json.put("streamId", stream.streamId());
		json.put("tenantId", stream.tenantId());
		json.put("audience", stream.audience());
		json.put("createdAt", stream.createdAt().toEpochMilli());
		json.put("status", stream.status().wire());
		json.put("statusReason", stream.statusReason());
		json.put("method", stream.method().name().toLowerCase(Locale.ROOT));
		json.put("endpointUrl", stream.endpointUrl());
		json.put("authorizationHeader", stream.authorizationHeader());
		ArrayNode events = json.putArray("eventsRequested");
		stream.eventsRequested().forEach(events::add);
		json.put("description", stream.description());
		json.put("format", stream.format());
		ArrayNode removed = json.putArray("removedSubjects");
		stream.removedSubjects().stream().sorted().forEach(removed::add);
		return MAPPER.writeValueAsString(json);
	}

	static Stream decode(String value) {
		JsonNode json = MAPPER.readTree(value);
		int version = json.path("schemaVersion").asInt();
		if (version != SCHEMA_VERSION) {
			throw new IllegalArgumentException("unsupported stream schemaVersion " + version);
		}
		List<String> events = new ArrayList<>();
		json.path("eventsRequested").forEach((e) -> events.add(e.asString()));
		Set<String> removed = new LinkedHashSet<>();
		json.path("removedSubjects").forEach((e) -> removed.add(e.asString()));
		return new Stream(json.get("streamId").asString(), json.get("tenantId").asString(), text(json, "audience"),
				Instant.ofEpochMilli(json.get("createdAt").asLong()),
				Stream.Status.valueOf(json.get("status").asString().toUpperCase(Locale.ROOT)), text(json, "statusReason"),
				Stream.Method.valueOf(json.get("method").asString().toUpperCase(Locale.ROOT)), text(json, "endpointUrl"),
				text(json, "authorizationHeader"), events, text(json, "description"), text(json, "format"), removed);
	}

	private static String text(JsonNode json, String field) {
		JsonNode node = json.get(field);
		return (node == null || node.isNull()) ? null : node.asString();
	}
}
