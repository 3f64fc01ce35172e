package org.revocation.resourceserver.cutoff;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.revocation.core.redis.CutoffReader;
import org.revocation.core.redis.CutoffUnavailableException;

/**
 * Cutoffs read from the pipeline's Redis view with revocation-core's reader (one pipelined round trip that also checks
 * the view-complete marker), for resource servers that would rather not consume Kafka.
 */
public final class RedisCutoffSource implements CutoffSource {

	private final CutoffReader reader;

	public RedisCutoffSource(CutoffReader reader) {
		this.reader = Objects.requireNonNull(reader, "reader cannot be null");
	}

	@Override
	public Optional<Instant> cutoff(String tenantId, String userId) {
		return this.reader.cutoff(tenantId, userId);
	}

	@Override
	public Status status() {
		try {
			this.reader.cutoff("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000");
			return new Status(true, 0, -1, null);
		}
		catch (CutoffUnavailableException ex) {
			return new Status(false, 0, -1, ex.getMessage());
		}
	}
}
