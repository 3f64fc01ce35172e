package org.revocation.gateway.revoke;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
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

import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.gateway.auth.Caller;
import org.revocation.gateway.auth.Callers;
import org.revocation.gateway.auth.RevocationAuthorization;
import org.revocation.gateway.graph.GraphException;
import org.revocation.gateway.graph.GraphResponses;
import org.revocation.gateway.graph.GraphRequestFilter;

/**
 * {@code POST /{v1.0|beta}/me/revokeSignInSessions} and {@code /users/{id | userPrincipalName}/revokeSignInSessions}
 * (also the namespaced {@code microsoft.graph.revokeSignInSessions}, and beta's deprecated
 * {@code invalidateAllRefreshTokens}). The action takes no parameters: a body other than nothing or {@code {}} is refused.
 */
@RestController
class RevokeController {

	private static final Logger audit = LoggerFactory.getLogger("audit");

	private static final Set<String> ACTIONS = Set.of("revokeSignInSessions", "microsoft.graph.revokeSignInSessions");

	private static final Set<String> BETA_ACTIONS = Set.of("invalidateAllRefreshTokens",
			"microsoft.graph.invalidateAllRefreshTokens");

	private static final int MAX_BODY_BYTES = 64 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Callers callers;

	private final RevocationAuthorization authorization;

	private final RevocationPublisher publisher;

	private final InForceWaiter inForce;

	private final Clock clock;

	RevokeController(Callers callers, RevocationAuthorization authorization, RevocationPublisher publisher,
			InForceWaiter inForce, Clock clock) {
		this.callers = callers;
		this.authorization = authorization;
		this.publisher = publisher;
		this.inForce = inForce;
		this.clock = clock;
	}

	@PostMapping("/{version}/me/{action}")
	CompletableFuture<ResponseEntity<Map<String, Object>>> revokeMe(@PathVariable String version, @PathVariable String action,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		checkRoute(version, action);
		Caller caller = this.callers.authenticate(authorization);
		checkBody(action, request, body);
		if (!caller.delegated()) {
			throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
		}
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser me = tenant.user(caller.objectId()).orElseThrow(() -> GraphException.notFound(caller.objectId()));
		return revoke(version, caller, tenant, me, request);
	}

	@PostMapping("/{version}/users/{user}/{action}")
	CompletableFuture<ResponseEntity<Map<String, Object>>> revokeUser(@PathVariable String version, @PathVariable String user,
			@PathVariable String action,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		checkRoute(version, action);
		Caller caller = this.callers.authenticate(authorization);
		checkBody(action, request, body);
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser target = tenant.user(user).orElseThrow(() -> GraphException.notFound(user));
		return revoke(version, caller, tenant, target, request);
	}

	private CompletableFuture<ResponseEntity<Map<String, Object>>> revoke(String version, Caller caller, Tenant tenant,
			DirectoryUser target, HttpServletRequest request) {
		this.authorization.authorize(caller, tenant, target);
		String requestId = GraphRequestFilter.requestId(request);
		Instant cutoff = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		Actor actor = caller.delegated() ? Actor.user(caller.objectId()) : Actor.application(caller.clientId());
		RevocationEvent event = RevocationEvent.accepted(tenant.id(), target.id(), cutoff, actor, requestId,
				GraphRequestFilter.clientRequestId(request));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context",
				ServletUriComponentsBuilder.fromContextPath(request).path("/" + version + "/$metadata").build()
					.toUriString() + "#Edm.Boolean");
		body.put("value", true);
		return this.publisher.publish(event).thenCompose((acked) -> {
			audit.info("revocation accepted tenant={} user={} validFrom={} actorType={} actor={} eventId={} request-id={} "
					+ "client-request-id={}", tenant.id(), target.id(), cutoff, actor.type(), actor.id(), event.eventId(),
					requestId, event.clientRequestId());
			return this.inForce.awaitInForce(tenant.id(), target.id(), cutoff, requestId);
		}).thenApply((inForce) -> GraphResponses.ok(body));
	}

	/**
	 * The action takes no parameters: no body, an empty body, or an empty JSON object ({@code {}}), whatever the
	 * Content-Type of an empty body. Anything else is refused as OData refuses it, before anything is published.
	 */
	private static void checkBody(String action, HttpServletRequest request, byte[] body) {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			throw new GraphException(HttpStatus.PAYLOAD_TOO_LARGE, "RequestEntityTooLarge",
					"The request body is larger than " + MAX_BODY_BYTES + " bytes.");
		}
		if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
			return;
		}
		if (body.length > MAX_BODY_BYTES) {
			throw new GraphException(HttpStatus.PAYLOAD_TOO_LARGE, "RequestEntityTooLarge",
					"The request body is larger than " + MAX_BODY_BYTES + " bytes.");
		}
		MediaType type;
		try {
			type = (request.getContentType() != null) ? MediaType.parseMediaType(request.getContentType()) : null;
		}
		catch (InvalidMediaTypeException ex) {
			type = null;
		}
		if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
			throw new GraphException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "BadRequest",
					"A supported MIME type could not be found that matches the content type of the request.");
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw GraphException.badRequest("Invalid JSON. The request body is not a valid JSON document.");
		}
		if (json == null || !json.isObject()) {
			throw GraphException.badRequest("Invalid request body: the payload of '" + action + "' must be a JSON object.");
		}
		for (String name : json.propertyNames()) {
			throw GraphException.badRequest("The parameter '" + name + "' in the request payload is not a valid parameter "
					+ "for the operation '" + action.replace("microsoft.graph.", "") + "'.");
		}
	}

	private static void checkRoute(String version, String action) {
		GraphResponses.checkVersion(version);
		if (!ACTIONS.contains(action) && !("beta".equals(version) && BETA_ACTIONS.contains(action))) {
			throw GraphException.badRequest("Resource not found for the segment '" + action + "'.");
		}
	}
}
