package org.revocation.gateway.revoke;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.gateway.auth.Caller;
import org.revocation.gateway.auth.Callers;
import org.revocation.gateway.auth.RevocationAuthorization;
import org.revocation.gateway.config.GatewayProperties;
import org.revocation.gateway.graph.GraphException;
import org.revocation.gateway.graph.GraphRequestFilter;
import org.revocation.gateway.graph.GraphResponses;

/**
 * The revoke action, for a single request ({@link RevokeController}) and for each revocation of a {@code $batch}:
 * authenticate (and rate-limit) the caller, check the body, resolve and authorize the target, publish the event, wait
 * until it is in force. The action takes no parameters: a body other than nothing or {@code {}} is refused. At most
 * {@code gateway.max-waiting-revocations} are in flight at once; beyond it 503 with Retry-After, counted.
 */
@Component
public class Revocations {

	private static final Logger audit = LoggerFactory.getLogger("audit");

	private static final Set<String> ACTIONS = Set.of("revokeSignInSessions", "microsoft.graph.revokeSignInSessions");

	private static final Set<String> BETA_ACTIONS = Set.of("invalidateAllRefreshTokens",
			"microsoft.graph.invalidateAllRefreshTokens");

	private static final int MAX_BODY_BYTES = 64 * 1024;

	private static final int BUSY_RETRY_AFTER_SECONDS = 1;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Callers callers;

	private final RevocationAuthorization authorization;

	private final RevocationPublisher publisher;

	private final InForceWaiter inForce;

	private final Clock clock;

	private final int maxInFlight;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Counter busy;

	Revocations(Callers callers, RevocationAuthorization authorization, RevocationPublisher publisher,
			InForceWaiter inForce, Clock clock, GatewayProperties properties, MeterRegistry meters) {
		this.callers = callers;
		this.authorization = authorization;
		this.publisher = publisher;
		this.inForce = inForce;
		this.clock = clock;
		this.maxInFlight = properties.maxWaitingRevocations();
		this.busy = Counter.builder("gateway.revocations.refused.busy")
			.description("revocations answered 503 because gateway.max-waiting-revocations were already in flight")
			.register(meters);
	}

	/**
	 * What a revocation needs of its HTTP request.
	 * @param authorization the {@code Authorization} header
	 * @param contentType the body's {@code Content-Type}, or null
	 * @param body the body, or null
	 * @param requestId the Graph request-id
	 * @param clientRequestId the caller's client-request-id (or the request-id)
	 * @param baseUrl scheme, host, port and context path, for {@code @odata.context}
	 */
	public record Call(String authorization, String contentType, byte[] body, String requestId, String clientRequestId,
			String baseUrl) {

		public static Call of(HttpServletRequest request, String authorization, byte[] body) {
			return new Call(authorization, request.getContentType(), body, GraphRequestFilter.requestId(request),
					GraphRequestFilter.clientRequestId(request),
					ServletUriComponentsBuilder.fromContextPath(request).build().toUriString());
		}
	}

	/** {@code /{version}/me/{action}}; throws {@link GraphException} for what is refused before publishing. */
	public CompletableFuture<ResponseEntity<Map<String, Object>>> revokeMe(String version, String action, Call call) {
		checkRoute(version, action);
		Caller caller = this.callers.authenticate(call.authorization());
		checkBody(action, call);
		if (!caller.delegated()) {
			throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
		}
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser me = tenant.user(caller.objectId()).orElseThrow(() -> GraphException.notFound(caller.objectId()));
		return revoke(version, caller, tenant, me, call);
	}

	/** {@code /{version}/users/{user}/{action}}; throws {@link GraphException} for what is refused before publishing. */
	public CompletableFuture<ResponseEntity<Map<String, Object>>> revokeUser(String version, String user, String action,
			Call call) {
		checkRoute(version, action);
		Caller caller = this.callers.authenticate(call.authorization());
		checkBody(action, call);
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser target = tenant.user(user).orElseThrow(() -> GraphException.notFound(user));
		return revoke(version, caller, tenant, target, call);
	}

	/** Whether {@code action} names the revoke action in {@code version}. */
	public static boolean isAction(String version, String action) {
		return ACTIONS.contains(action) || ("beta".equals(version) && BETA_ACTIONS.contains(action));
	}

	private CompletableFuture<ResponseEntity<Map<String, Object>>> revoke(String version, Caller caller, Tenant tenant,
			DirectoryUser target, Call call) {
		this.authorization.authorize(caller, tenant, target);
		if (this.inFlight.incrementAndGet() > this.maxInFlight) {
			this.inFlight.decrementAndGet();
			this.busy.increment();
			throw GraphException.serviceUnavailable(BUSY_RETRY_AFTER_SECONDS);
		}
		Instant cutoff = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		Actor actor = caller.delegated() ? Actor.user(caller.objectId()) : Actor.application(caller.clientId());
		RevocationEvent event = RevocationEvent.accepted(tenant.id(), target.id(), cutoff, actor, call.requestId(),
				call.clientRequestId());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", call.baseUrl() + "/" + version + "/$metadata#Edm.Boolean");
		body.put("value", true);
		CompletableFuture<ResponseEntity<Map<String, Object>>> answer;
		try {
			answer = this.publisher.publish(event).thenCompose((ack) -> {
				audit.info("revocation accepted tenant={} user={} validFrom={} actorType={} actor={} eventId={} "
						+ "request-id={} client-request-id={}", tenant.id(), target.id(), cutoff, actor.type(), actor.id(),
						event.eventId(), call.requestId(), event.clientRequestId());
				return this.inForce.awaitInForce(tenant.id(), target.id(), cutoff, call.requestId(), ack.partition(),
						ack.offset());
			}).thenApply((inForce) -> GraphResponses.ok(body));
		}
		catch (RuntimeException ex) {
			this.inFlight.decrementAndGet();
			throw ex;
		}
		answer.whenComplete((result, ex) -> this.inFlight.decrementAndGet());
		return answer;
	}

	/**
	 * The action takes no parameters: no body, an empty body, or an empty JSON object ({@code {}}), whatever the
	 * Content-Type of an empty body. Anything else is refused as OData refuses it, before anything is published.
	 */
	private static void checkBody(String action, Call call) {
		byte[] body = call.body();
		if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
			return;
		}
		if (body.length > MAX_BODY_BYTES) {
			throw new GraphException(HttpStatus.PAYLOAD_TOO_LARGE, "RequestEntityTooLarge",
					"The request body is larger than " + MAX_BODY_BYTES + " bytes.");
		}
		MediaType type;
		try {
			type = (call.contentType() != null) ? MediaType.parseMediaType(call.contentType()) : null;
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
		if (!isAction(version, action)) {
			throw GraphException.badRequest("Resource not found for the segment '" + action + "'.");
		}
	}
}
