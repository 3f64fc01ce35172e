package org.revocation.ssf.delivery;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One SET waiting for a stream. The token is signed when first needed and then kept, so every retry sends the same
 * bytes (same {@code jti}); a queued SET costs only the event it came from until then.
 */
final class PendingSet {

	private final String jti;

	private final String subject;

	private final Supplier<String> builder;

	private final OffsetTracker.Ticket ticket;

	private final Instant queuedAt;

	private final long acceptedAtMillis;

	private final AtomicBoolean done = new AtomicBoolean();

	private String token;

	int attempts;

	Instant firstFailureAt;

	Instant handedOutAt;

	PendingSet(String jti, String subject, Supplier<String> builder, OffsetTracker.Ticket ticket, Instant queuedAt,
			long acceptedAtMillis) {
		this.jti = jti;
		this.subject = subject;
		this.builder = builder;
		this.ticket = ticket;
		this.queuedAt = queuedAt;
		this.acceptedAtMillis = acceptedAtMillis;
	}

	String jti() {
		return this.jti;
	}

	/** What must stay in order: the user (or the stream, for a verification event). */
	String subject() {
		return this.subject;
	}

	synchronized String token() {
		if (this.token == null) {
			this.token = this.builder.get();
		}
		return this.token;
	}

	Instant queuedAt() {
		return this.queuedAt;
	}

	/** When the gateway accepted the revocation (epoch ms), or -1 for a verification event. */
	long acceptedAtMillis() {
		return this.acceptedAtMillis;
	}

	/** Releases the event's offset for this stream; once only. */
	void done() {
		if (this.done.compareAndSet(false, true)) {
			this.ticket.done();
		}
	}
}
