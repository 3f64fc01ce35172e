package org.revocation.ssf.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import org.revocation.core.event.RevocationEvent;
import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.set.SecurityEvents;
import org.revocation.ssf.stream.Stream;
import org.revocation.ssf.stream.StreamStore;
import org.revocation.ssf.stream.StreamViews;

/**
 * The outboxes of all streams, kept in step with the stream store, and the fan-out of an event to them: an event
 * of tenant T goes to T's streams only, when the stream is not disabled, was created before the revocation was
 * accepted, asked for {@code session-revoked}, and has not had the user removed.
 */
@Component
public class Deliveries implements StreamStore.StreamListener {

	private final Map<String, Outbox> outboxes = new ConcurrentHashMap<>();

	private final SecurityEvents events;

	private final Pusher pusher;

	private final DeadLetters deadLetters;

	private final SsfProperties properties;

	private final Clock clock;

	private final Timer latency;

	Deliveries(StreamStore store, SecurityEvents events, Pusher pusher, DeadLetters deadLetters,
			SsfProperties properties, Clock clock, MeterRegistry meters) {
		this.events = events;
		this.pusher = pusher;
		this.deadLetters = deadLetters;
		this.properties = properties;
		this.clock = clock;
		this.latency = Timer.builder("ssf_set_delivery_seconds")
			.description("from the revocation's acceptance to its SET delivered (push 202) or handed out (poll)")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		Gauge.builder("ssf_sets_pending", this, Deliveries::pending)
			.description("SETs not yet delivered or acknowledged, all streams")
			.register(meters);
		store.addListener(this);
	}

	@Override
	public synchronized void changed(Stream before, Stream now) {
		if (now == null) {
			Outbox gone = this.outboxes.remove(before.streamId());
			if (gone != null) {
				gone.close();
			}
			return;
		}
		Outbox current = this.outboxes.get(now.streamId());
		if (current != null && current.stream().method() == now.method()) {
			current.update(now);
			return;
		}
		Outbox created = (now.method() == Stream.Method.PUSH)
				? new PushOutbox(now, this.pusher, this.deadLetters, this.properties, this.clock, this.latency)
				: new PollOutbox(now, this.deadLetters, this.properties, this.clock, this.latency);
		if (current != null) {
			current.closeForTransfer().forEach(created::offer);
		}
		this.outboxes.put(now.streamId(), created);
		created.start();
	}

	/**
	 * Queues the event's SET on every stream that takes it; {@code tickets} is told how many, and gives the ticket
	 * each SET releases when it needs no more delivery.
	 */
	void dispatch(RevocationEvent event, IntFunction<OffsetTracker.Ticket> tickets) {
		List<Outbox> targets = new ArrayList<>();
		for (Outbox outbox : this.outboxes.values()) {
			Stream stream = outbox.stream();
			if (takes(stream, event)) {
				targets.add(outbox);
			}
		}
		OffsetTracker.Ticket ticket = tickets.apply(targets.size());
		for (Outbox outbox : targets) {
			Stream stream = outbox.stream();
			outbox.offer(new PendingSet(SecurityEvents.jti(stream.streamId(), event.eventId()), event.userId(),
					() -> this.events.sessionRevoked(outbox.stream(), event), ticket, this.clock.instant(),
					event.acceptedAt().toEpochMilli()));
		}
	}

	static boolean takes(Stream stream, RevocationEvent event) {
		return stream.tenantId().equals(event.tenantId()) && stream.status() != Stream.Status.DISABLED
				&& !event.acceptedAt().isBefore(stream.createdAt())
				&& StreamViews.eventsDelivered(stream).contains(SecurityEvents.SESSION_REVOKED)
				&& !stream.removedSubjects().contains(event.userId());
	}

	/** A verification event (SSF 1.0 section 8.1.4) on the stream, after what is already queued. */
	public void verify(Stream stream, String state) {
		Outbox outbox = this.outboxes.get(stream.streamId());
		if (outbox != null) {
			String jti = UUID.randomUUID().toString();
			String token = this.events.verification(stream, state, jti);
			outbox.offer(new PendingSet(jti, stream.streamId(), () -> token, OffsetTracker.Ticket.NONE,
					this.clock.instant(), -1));
		}
	}

	Optional<PollOutbox> pollOutbox(String streamId) {
		return (this.outboxes.get(streamId) instanceof PollOutbox poll) ? Optional.of(poll) : Optional.empty();
	}

	/** SETs waiting in all streams (the consumer stops reading above {@code ssf.max-pending}). */
	public int pending() {
		return this.outboxes.values().stream().mapToInt(Outbox::size).sum();
	}

	@Scheduled(fixedDelay = 1000)
	void expirePolled() {
		for (Outbox outbox : this.outboxes.values()) {
			if (outbox instanceof PollOutbox poll) {
				poll.expire();
			}
		}
	}
}
