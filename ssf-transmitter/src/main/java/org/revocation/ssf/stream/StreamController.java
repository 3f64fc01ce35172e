package org.revocation.ssf.stream;

import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.ssf.auth.AppCaller;
import org.revocation.ssf.auth.AppTokenVerifier;
import org.revocation.ssf.auth.SsfException;
import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.delivery.Deliveries;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SSF 1.0 stream management (section 8.1) for the issuer {@code <base>/<tenant id>}: configuration (create → 201,
 * read, update, replace, delete), status, add / remove subject, verification. Every request needs an app token of
 * that tenant with {@link SsfProperties#PERMISSION}; a stream belongs to the tenant whose app created it and is
 * invisible to every other tenant.
 */
@RestController
@RequestMapping("/{tenant}/ssf")
class StreamController {

	private static final Logger log = LoggerFactory.getLogger(StreamController.class);

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final AppTokenVerifier verifier;

	private final StreamStore store;

	private final Deliveries deliveries;

	private final SsfProperties properties;

	private final RevocationProperties revocation;

	private final Directory directory;

	private final Clock clock;

	StreamController(AppTokenVerifier verifier, StreamStore store, Deliveries deliveries, SsfProperties properties,
			RevocationProperties revocation, Directory directory, Clock clock) {
		this.verifier = verifier;
		this.store = store;
		this.deliveries = deliveries;
		this.properties = properties;
		this.revocation = revocation;
		this.directory = directory;
		this.clock = clock;
	}

	@PostMapping("/streams")
	ResponseEntity<Map<String, Object>> create(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, false);
		Stream stream = receiverFields(json, new Stream(UUID.randomUUID().toString(), caller.tenantId(),
				caller.clientId(), this.clock.instant().truncatedTo(ChronoUnit.MILLIS), Stream.Status.ENABLED, null, Stream.Method.POLL, null, null,
				List.of(), null, Stream.ISS_SUB, Set.of()), true);
		this.store.save(stream);
		log.info("SSF stream created tenant={} stream={} client={} method={} url={}", stream.tenantId(),
				stream.streamId(), caller.clientId(), stream.method(), stream.endpointUrl());
		return ResponseEntity.status(HttpStatus.CREATED).body(StreamViews.configuration(stream, this.properties));
	}

	@GetMapping("/streams")
	ResponseEntity<Object> read(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestParam(name = "stream_id", required = false) String streamId) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		if (streamId == null) {
			List<Map<String, Object>> all = new ArrayList<>();
			this.store.ofTenant(caller.tenantId()).forEach((s) -> all.add(StreamViews.configuration(s, this.properties)));
			return ResponseEntity.ok(all);
		}
		return ResponseEntity.ok(StreamViews.configuration(this.store.get(caller.tenantId(), streamId), this.properties));
	}

	/** PATCH: only the receiver-supplied properties present in the body change. */
	@PatchMapping("/streams")
	ResponseEntity<Map<String, Object>> update(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		return change(tenant, authorization, body, false);
	}

	/** PUT: every receiver-supplied property is replaced (absent ones take their defaults). */
	@PutMapping("/streams")
	ResponseEntity<Map<String, Object>> replace(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		return change(tenant, authorization, body, true);
	}

	private ResponseEntity<Map<String, Object>> change(String tenant, String authorization, String body,
			boolean replace) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, true);
		Stream current = this.store.get(caller.tenantId(), text(json, "stream_id"));
		Stream base = replace ? new Stream(current.streamId(), current.tenantId(), current.audience(),
				current.createdAt(), current.status(), current.statusReason(), Stream.Method.POLL, null, null,
				List.of(), null, Stream.ISS_SUB, current.removedSubjects()) : current;
		Stream updated = receiverFields(json, base, replace);
		this.store.save(updated);
		return ResponseEntity.ok(StreamViews.configuration(updated, this.properties));
	}

	@DeleteMapping("/streams")
	ResponseEntity<Void> delete(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestParam(name = "stream_id", required = false) String streamId) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		Stream stream = this.store.get(caller.tenantId(), streamId);
		this.store.delete(stream);
		log.info("SSF stream deleted tenant={} stream={}", stream.tenantId(), stream.streamId());
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/status")
	ResponseEntity<Map<String, Object>> status(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestParam(name = "stream_id", required = false) String streamId) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		return ResponseEntity.ok(status(this.store.get(caller.tenantId(), streamId)));
	}

	@PostMapping("/status")
	ResponseEntity<Map<String, Object>> updateStatus(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, true);
		Stream stream = this.store.get(caller.tenantId(), text(json, "stream_id"));
		String wanted = text(json, "status");
		Stream.Status status;
		try {
			status = Stream.Status.valueOf(String.valueOf(wanted).toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw SsfException.badRequest("status must be enabled, paused or disabled.");
		}
		Stream updated = stream.withStatus(status, text(json, "reason"));
		this.store.save(updated);
		log.info("SSF stream status tenant={} stream={} status={}", updated.tenantId(), updated.streamId(),
				status.wire());
		return ResponseEntity.ok(status(updated));
	}

	@PostMapping("/subjects/add")
	ResponseEntity<Void> addSubject(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, true);
		Stream stream = this.store.get(caller.tenantId(), text(json, "stream_id"));
		DirectoryUser user = subject(caller.tenantId(), json.get("subject"));
		Set<String> removed = new HashSet<>(stream.removedSubjects());
		if (removed.remove(user.id().toLowerCase(Locale.ROOT))) {
			this.store.save(stream.withRemovedSubjects(removed));
		}
		return ResponseEntity.ok().build();
	}

	@PostMapping("/subjects/remove")
	ResponseEntity<Void> removeSubject(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, true);
		Stream stream = this.store.get(caller.tenantId(), text(json, "stream_id"));
		DirectoryUser user = subject(caller.tenantId(), json.get("subject"));
		Set<String> removed = new HashSet<>(stream.removedSubjects());
		if (removed.add(user.id().toLowerCase(Locale.ROOT))) {
			this.store.save(stream.withRemovedSubjects(removed));
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/verify")
	ResponseEntity<Void> verify(@PathVariable String tenant,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		AppCaller caller = this.verifier.authorize(authorization, tenant);
		JsonNode json = parse(body, true);
		Stream stream = this.store.get(caller.tenantId(), text(json, "stream_id"));
		this.deliveries.verify(stream, text(json, "state"));
		return ResponseEntity.noContent().build();
	}

	private static Map<String, Object> status(Stream stream) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("stream_id", stream.streamId());
		json.put("status", stream.status().wire());
		if (stream.statusReason() != null) {
			json.put("reason", stream.statusReason());
		}
		return json;
	}

	/** The receiver-supplied properties of a create, update or replace request, applied to {@code base}. */
	private Stream receiverFields(JsonNode json, Stream base, boolean all) {
		Stream.Method method = base.method();
		String endpointUrl = base.endpointUrl();
		String authorizationHeader = base.authorizationHeader();
		JsonNode delivery = json.get("delivery");
		if (delivery != null && !delivery.isNull()) {
			if (!delivery.isObject()) {
				throw SsfException.badRequest("delivery must be an object.");
			}
			String urn = text(delivery, "method");
			if (Stream.Method.PUSH.urn().equals(urn)) {
				method = Stream.Method.PUSH;
				endpointUrl = text(delivery, "endpoint_url");
				if (endpointUrl == null || !isHttpUrl(endpointUrl)) {
					throw SsfException.badRequest("push delivery needs an absolute http(s) endpoint_url.");
				}
				authorizationHeader = text(delivery, "authorization_header");
			}
			else if (Stream.Method.POLL.urn().equals(urn)) {
				method = Stream.Method.POLL;
				endpointUrl = null;
				authorizationHeader = null;
			}
			else {
				throw SsfException.badRequest("delivery.method must be urn:ietf:rfc:8935 or urn:ietf:rfc:8936.");
			}
		}
		List<String> events = base.eventsRequested();
		JsonNode requested = json.get("events_requested");
		if (requested != null && !requested.isNull()) {
			if (!requested.isArray()) {
				throw SsfException.badRequest("events_requested must be an array of event type URIs.");
			}
			events = new ArrayList<>();
			for (JsonNode type : requested) {
				if (!type.isString()) {
					throw SsfException.badRequest("events_requested must be an array of event type URIs.");
				}
				events.add(type.asString());
			}
		}
		String description = (json.has("description") || all) ? text(json, "description") : base.description();
		String format = base.format();
		if (json.has("format")) {
			format = text(json, "format");
			if (!Stream.ISS_SUB.equals(format) && !Stream.EMAIL.equals(format)) {
				throw SsfException.badRequest("format must be iss_sub or email.");
			}
		}
		return new Stream(base.streamId(), base.tenantId(), base.audience(), base.createdAt(), base.status(),
				base.statusReason(), method, endpointUrl, authorizationHeader, events, description, format,
				base.removedSubjects());
	}

	/** An {@code iss_sub} (token issuer, user object id) or {@code email} subject (RFC 9493) of the tenant. */
	private DirectoryUser subject(String tenantId, JsonNode subject) {
		if (subject == null || !subject.isObject()) {
			throw SsfException.badRequest("subject must be a subject identifier object (RFC 9493).");
		}
		Tenant tenant = this.directory.tenant(tenantId).orElseThrow();
		String format = text(subject, "format");
		if (Stream.ISS_SUB.equals(format)) {
			if (!this.revocation.issuer(tenantId).equals(text(subject, "iss"))) {
				throw SsfException.badRequest("subject iss must be " + this.revocation.issuer(tenantId) + ".");
			}
			String sub = text(subject, "sub");
			return tenant.users().stream().filter((u) -> u.id().equalsIgnoreCase(String.valueOf(sub))).findFirst()
				.orElseThrow(() -> SsfException.badRequest("No user with sub " + sub + " in this tenant."));
		}
		if (Stream.EMAIL.equals(format)) {
			String email = text(subject, "email");
			return tenant.users().stream()
				.filter((u) -> String.valueOf(email).equalsIgnoreCase(u.mail())
						|| String.valueOf(email).equalsIgnoreCase(u.userPrincipalName()))
				.findFirst()
				.orElseThrow(() -> SsfException.badRequest("No user with email " + email + " in this tenant."));
		}
		throw SsfException.badRequest("subject format must be iss_sub or email.");
	}

	private static boolean isHttpUrl(String value) {
		try {
			URI uri = URI.create(value);
			return uri.isAbsolute() && uri.getHost() != null
					&& ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static JsonNode parse(String body, boolean required) {
		if (body == null || body.isBlank()) {
			if (required) {
				throw SsfException.badRequest("A JSON body is required.");
			}
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

	private static String text(JsonNode json, String field) {
		JsonNode node = json.get(field);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw SsfException.badRequest(field + " must be a string.");
		}
		return node.asString();
	}
}
