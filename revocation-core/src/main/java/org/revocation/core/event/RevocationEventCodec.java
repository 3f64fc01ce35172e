package org.revocation.core.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

import org.revocation.core.redis.RedisKeys;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of {@link RevocationEvent} on the topic. Version 2 (current):
 * <pre>
 * {"schemaVersion":2,"eventId":"…","tenantId":"…","userId":"…","validFrom":1732500000123,"acceptedAt":1732500000123,
 *  "actor":{"type":"user|application","id":"…"},"requestId":"…","clientRequestId":"…"}
 * </pre>
 * Version 1 (previous, still read) is the same without {@code acceptedAt}: its producers stamped the cutoff when they
 * accepted the request, so {@code acceptedAt} is read as {@code validFrom}. Times are epoch milliseconds.
 * {@link #decode(byte[])} accepts the versions in {@link #SUPPORTED_VERSIONS} and throws
 * {@link InvalidRevocationEventException} with a readable reason for anything else (a future version included: it
 * must go to the dead-letter topic, not be dropped or half read).
 */
public final class RevocationEventCodec {

	/** The previous schema version, still read: no {@code acceptedAt}. */
	public static final int PREVIOUS_SCHEMA_VERSION = 1;

	/** Versions this code reads: the previous one and the current one. */
	public static final int[] SUPPORTED_VERSIONS = { PREVIOUS_SCHEMA_VERSION, RevocationEvent.CURRENT_SCHEMA_VERSION };

	/** Larger records are refused without parsing. */
	public static final int MAX_RECORD_BYTES = 16 * 1024;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private RevocationEventCodec() {
	}

	public static byte[] encode(RevocationEvent event) {
		ObjectNode json = MAPPER.createObjectNode();
		json.put("schemaVersion", event.schemaVersion());
		json.put("eventId", event.eventId());
		json.put("tenantId", event.tenantId());
		json.put("userId", event.userId());
		json.put("validFrom", event.validFrom().toEpochMilli());
		json.put("acceptedAt", event.acceptedAt().toEpochMilli());
		ObjectNode actor = json.putObject("actor");
		actor.put("type", event.actor().type().name().toLowerCase(Locale.ROOT));
		actor.put("id", event.actor().id());
		json.put("requestId", event.requestId());
		json.put("clientRequestId", event.clientRequestId());
		return MAPPER.writeValueAsBytes(json);
	}

	public static RevocationEvent decode(byte[] bytes) {
		if (bytes == null || bytes.length == 0) {
			throw new InvalidRevocationEventException("empty record value");
		}
		if (bytes.length > MAX_RECORD_BYTES) {
			throw new InvalidRevocationEventException(
					"record value of " + bytes.length + " bytes exceeds " + MAX_RECORD_BYTES + " bytes");
		}
		JsonNode json;
		try {
			json = MAPPER.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new InvalidRevocationEventException("not JSON: " + ex.getOriginalMessage(), ex);
		}
		if (json == null || !json.isObject()) {
			throw new InvalidRevocationEventException("not a JSON object");
		}
		JsonNode version = json.get("schemaVersion");
		if (version == null || !version.isIntegralNumber()) {
			throw new InvalidRevocationEventException("schemaVersion missing or not an integer");
		}
		if (!isSupported(version.asInt())) {
			throw new InvalidRevocationEventException("unsupported schemaVersion " + version.asString()
					+ " (this worker reads " + Arrays.toString(SUPPORTED_VERSIONS) + ")");
		}
		JsonNode actor = json.get("actor");
		if (actor == null || !actor.isObject()) {
			throw new InvalidRevocationEventException("actor missing or not an object");
		}
		Actor.Type actorType;
		try {
			actorType = Actor.Type.valueOf(text(actor, "type").toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRevocationEventException("actor.type must be user or application");
		}
		Instant validFrom = epochMillis(json, "validFrom");
		Instant acceptedAt = (version.asInt() == PREVIOUS_SCHEMA_VERSION) ? validFrom : epochMillis(json, "acceptedAt");
		return new RevocationEvent(version.asInt(), text(json, "eventId"), guid(json, "tenantId"), guid(json, "userId"),
				validFrom, acceptedAt, new Actor(actorType, text(actor, "id")),
				optionalText(json, "requestId"), optionalText(json, "clientRequestId"));
	}

	private static boolean isSupported(int version) {
		for (int supported : SUPPORTED_VERSIONS) {
			if (supported == version) {
				return true;
			}
		}
		return false;
	}

	private static String text(JsonNode json, String field) {
		JsonNode node = json.get(field);
		if (node == null || !node.isString() || node.asString().isBlank()) {
			throw new InvalidRevocationEventException(field + " missing or not a string");
		}
		return node.asString();
	}

	private static String optionalText(JsonNode json, String field) {
		JsonNode node = json.get(field);
		return (node == null || !node.isString()) ? null : node.asString();
	}

	private static String guid(JsonNode json, String field) {
		String value = text(json, field);
		if (!RedisKeys.isGuid(value)) {
			throw new InvalidRevocationEventException(field + " is not a GUID");
		}
		return value.toLowerCase(Locale.ROOT);
	}

	private static Instant epochMillis(JsonNode json, String field) {
		JsonNode node = json.get(field);
		if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
			throw new InvalidRevocationEventException(field + " missing or not a positive epoch-millisecond number");
		}
		return Instant.ofEpochMilli(node.asLong());
	}
}
