package org.revocation.ssf.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.set.SecurityEvents;

/** A stream as SSF 1.0 section 8.1.1 shows it to the receiver. */
public final class StreamViews {

	/** The event types this transmitter sends (verification events are sent to every stream, never requested). */
	public static final List<String> EVENTS_SUPPORTED = List.of(SecurityEvents.SESSION_REVOKED);

	private StreamViews() {
	}

	/** What the stream gets: the requested types this transmitter supports; all of them when none were requested. */
	public static List<String> eventsDelivered(Stream stream) {
		if (stream.eventsRequested().isEmpty()) {
			return EVENTS_SUPPORTED;
		}
		return stream.eventsRequested().stream().filter(EVENTS_SUPPORTED::contains).distinct().toList();
	}

	/** The transmitter's poll URL of a poll stream (RFC 8936). */
	public static String pollUrl(SsfProperties properties, Stream stream) {
		return properties.issuer(stream.tenantId()) + "/ssf/poll/" + stream.streamId();
	}

	public static Map<String, Object> configuration(Stream stream, SsfProperties properties) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("stream_id", stream.streamId());
		json.put("iss", properties.issuer(stream.tenantId()));
		json.put("aud", stream.audience());
		json.put("events_supported", EVENTS_SUPPORTED);
		json.put("events_requested", stream.eventsRequested());
		json.put("events_delivered", eventsDelivered(stream));
		Map<String, Object> delivery = new LinkedHashMap<>();
		delivery.put("method", stream.method().urn());
		delivery.put("endpoint_url",
				(stream.method() == Stream.Method.PUSH) ? stream.endpointUrl() : pollUrl(properties, stream));
		json.put("delivery", delivery);
		if (stream.description() != null) {
			json.put("description", stream.description());
		}
		json.put("format", stream.format());
		return json;
	}
}
