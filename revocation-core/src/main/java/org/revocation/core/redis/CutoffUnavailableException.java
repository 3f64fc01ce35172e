package org.revocation.core.redis;

/**
 * The user's cutoff cannot be known: Redis is unreachable, or the view is incomplete (the marker is missing while the
 * worker rebuilds). Callers fail closed: "temporarily unavailable", never a success.
 */
public class CutoffUnavailableException extends RuntimeException {

	public CutoffUnavailableException(String reason) {
		super(reason);
	}

	public CutoffUnavailableException(String reason, Throwable cause) {
		super(reason, cause);
	}
}
