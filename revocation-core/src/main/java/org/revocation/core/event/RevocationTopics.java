package org.revocation.core.event;

/** Names of the Kafka topics the services agree on (each overridable by configuration, these are the defaults). */
public final class RevocationTopics {

	/** One event per accepted revocation, keyed by tenant/user. */
	public static final String EVENTS = "revocation-events";

	/** Records of {@link #EVENTS} that could not be parsed or validated, with the reason in headers. */
	public static final String DEAD_LETTER = EVENTS + "-dlt";

	private RevocationTopics() {
	}
}
