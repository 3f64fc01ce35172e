package org.revocation.core.event;

/**
 * A record on the revocation topic that is not a valid revocation event (not JSON, wrong shape, unknown schema
 * version, bad ids). Never retried: the worker sends it to the dead-letter topic with {@link #getMessage()} as the
 * reason.
 */
public class InvalidRevocationEventException extends RuntimeException {

	public InvalidRevocationEventException(String reason) {
		super(reason);
	}

	public InvalidRevocationEventException(String reason, Throwable cause) {
		super(reason, cause);
	}
}
