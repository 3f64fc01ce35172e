package org.revocation.core.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One accepted revocation: from {@link #validFrom()} on, every session of the user that signed in earlier is revoked.
 * Serialized as versioned JSON by {@link RevocationEventCodec}; keyed on the topic by {@link #key()} so that one user's
 * events stay ordered on one partition.
 *
 * @param schemaVersion the JSON schema version this event was written with
 * @param eventId unique per accepted request (duplicates on the topic carry the same id)
 * @param tenantId the user's tenant (GUID, lower case)
 * @param userId the user's object id (GUID, lower case)
 * @param validFrom the cutoff, millisecond precision, stamped by the gateway's clock
 * @param acceptedAt when the gateway accepted the request (for the propagation-delay metric)
 * @param actor who asked
 * @param requestId the gateway's request-id
 * @param clientRequestId the caller's client-request-id (or the request-id when the caller sent none)
 */
public record RevocationEvent(int schemaVersion, String eventId, String tenantId, String userId, Instant validFrom,
		Instant acceptedAt, Actor actor, String requestId, String clientRequestId) {

	/** The schema version this code writes. */
	public static final int CURRENT_SCHEMA_VERSION = 2;

	public RevocationEvent {
		Objects.requireNonNull(eventId, "eventId cannot be null");
		Objects.requireNonNull(tenantId, "tenantId cannot be null");
		Objects.requireNonNull(userId, "userId cannot be null");
		Objects.requireNonNull(validFrom, "validFrom cannot be null");
		Objects.requireNonNull(acceptedAt, "acceptedAt cannot be null");
		Objects.requireNonNull(actor, "actor cannot be null");
	}

	/** A new event of the current schema version, with a fresh event id. */
	public static RevocationEvent accepted(String tenantId, String userId, Instant validFrom, Actor actor,
			String requestId, String clientRequestId) {
		return new RevocationEvent(CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), tenantId, userId,
				validFrom, validFrom, actor, requestId, clientRequestId);
	}

	/** The Kafka record key: tenant and user, so a user's events are ordered on one partition. */
	public String key() {
		return key(this.tenantId, this.userId);
	}

	public static String key(String tenantId, String userId) {
		return tenantId + "/" + userId;
	}
}
