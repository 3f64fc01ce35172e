package org.revocation.resourceserver.cutoff;

import java.time.Instant;
import java.util.Optional;

import org.revocation.core.redis.CutoffUnavailableException;

/** Where the token validator learns a user's cutoff: the local view of the topics, or Redis. */
public interface CutoffSource {

	/**
	 * The user's latest cutoff, empty if the user was never revoked.
	 * @throws CutoffUnavailableException when the cutoff cannot be known now (view behind, Redis unreachable): the
	 * caller fails closed
	 */
	Optional<Instant> cutoff(String tenantId, String userId);

	/** A short state for the health endpoint: whether cutoffs can be known now, and why not. */
	Status status();

	/**
	 * @param available whether {@link #cutoff} answers now
	 * @param lagMillis how far behind the source is known to be (0 for Redis)
	 * @param users cutoffs held (local view), or -1 when not applicable
	 * @param reason why not available, or {@code null}
	 */
	record Status(boolean available, long lagMillis, long users, String reason) {
	}
}
