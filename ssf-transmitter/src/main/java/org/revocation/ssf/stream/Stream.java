package org.revocation.ssf.stream;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One SSF event stream (SSF 1.0 section 8.1.1), owned by a tenant: only that tenant's users' revocations reach it.
 *
 * @param streamId transmitter-supplied id
 * @param tenantId the tenant whose app created it
 * @param audience the SETs' {@code aud}: the client id of the application that created the stream (set by the
 * transmitter, never by the receiver)
 * @param createdAt events accepted before this (epoch ms, as events carry it) are not sent to it
 * @param status enabled, paused (SETs are held) or disabled (SETs are dropped)
 * @param statusReason the reason given with the last status change, or null
 * @param method push (RFC 8935) or poll (RFC 8936)
 * @param endpointUrl the receiver's push URL; null for poll (the transmitter's poll URL is derived)
 * @param authorizationHeader sent as {@code Authorization} with every push, or null
 * @param eventsRequested the event types the receiver asked for
 * @param description the receiver's description, or null
 * @param format the subject identifier format of {@code sub_id}: {@code iss_sub} (default) or {@code email}
 * @param removedSubjects users (ids) removed from the stream with the remove-subject endpoint
 */
public record Stream(String streamId, String tenantId, String audience, Instant createdAt, Status status,
		String statusReason, Method method, String endpointUrl, String authorizationHeader,
		List<String> eventsRequested, String description, String format, Set<String> removedSubjects) {

	public enum Status {
		ENABLED, PAUSED, DISABLED;

		public String wire() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	public enum Method {
		PUSH("urn:ietf:rfc:8935"), POLL("urn:ietf:rfc:8936");

		private final String urn;

		Method(String urn) {
			this.urn = urn;
		}

		public String urn() {
			return this.urn;
		}
	}

	public static final String ISS_SUB = "iss_sub";

	public static final String EMAIL = "email";

	public Stream {
		Objects.requireNonNull(streamId, "streamId");
		Objects.requireNonNull(tenantId, "tenantId");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(method, "method");
		eventsRequested = (eventsRequested != null) ? List.copyOf(eventsRequested) : List.of();
		removedSubjects = (removedSubjects != null) ? Set.copyOf(removedSubjects) : Set.of();
		format = (format != null) ? format : ISS_SUB;
	}

	public Stream withStatus(Status newStatus, String reason) {
		return new Stream(this.streamId, this.tenantId, this.audience, this.createdAt, newStatus, reason, this.method,
				this.endpointUrl, this.authorizationHeader, this.eventsRequested, this.description, this.format,
				this.removedSubjects);
	}

	public Stream withRemovedSubjects(Set<String> removed) {
		return new Stream(this.streamId, this.tenantId, this.audience, this.createdAt, this.status, this.statusReason,
				this.method, this.endpointUrl, this.authorizationHeader, this.eventsRequested, this.description,
				this.format, removed);
	}
}
