package org.revocation.ssf.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;

import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;

/**
 * Poll delivery (RFC 8936) for one stream. A SET handed out stays outstanding until the receiver acknowledges it
 * ({@code ack}) or reports an error for it ({@code setErrs}, which sends it to the dead-letter topic with the
 * receiver's {@code err} and {@code description}); an outstanding SET is handed out again after
 * {@code ssf.poll.redeliver-after}. Only then is its event's offset released. A paused stream hands out nothing.
 */
final class PollOutbox extends Outbox {

	private final Map<String, PendingSet> outstanding = new LinkedHashMap<>();

	private final DeadLetters deadLetters;

	private final SsfProperties properties;

	private final Clock clock;

	private final Timer latency;

	PollOutbox(Stream stream, DeadLetters deadLetters, SsfProperties properties, Clock clock, Timer latency) {
		super(stream);
		this.deadLetters = deadLetters;
		this.properties = properties;
		this.clock = clock;
		this.latency = latency;
	}

	@Override
	void start() {
	}

	/**
	 * One poll request: acknowledgements and errors first, then up to {@code maxEvents} SETs (none when 0), waiting
	 * up to {@code ssf.poll.max-wait} for one unless {@code returnImmediately}.
	 */
	Batch poll(List<String> acks, Map<String, String> errors, int maxEvents, boolean returnImmediately)
			throws InterruptedException {
		List<PendingSet> finished = new ArrayList<>();
		Map<String, String> sets = new LinkedHashMap<>();
		boolean more;
		this.lock.lock();
		try {
			for (String jti : acks) {
				PendingSet set = this.outstanding.remove(jti);
				if (set != null) {
					finished.add(set);
				}
			}
			Map<PendingSet, String> failed = new LinkedHashMap<>();
			errors.forEach((jti, reason) -> {
				PendingSet set = this.outstanding.remove(jti);
				if (set != null) {
					failed.put(set, reason);
				}
			});
			failed.forEach((set, reason) -> {
				if (this.deadLetters.publish(this.stream, set, "receiver reported setErr: " + reason)) {
					finished.add(set);
				}
				else {
					this.outstanding.put(set.jti(), set); // not lost: handed out again later
				}
			});
			long deadline = System.nanoTime() + this.properties.poll().maxWait().toNanos();
			collect(sets, maxEvents);
			while (sets.isEmpty() && maxEvents > 0 && !returnImmediately && !this.closed) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				this.changed.awaitNanos(remaining);
				collect(sets, maxEvents);
			}
			more = this.stream.status() == Stream.Status.ENABLED && !this.queue.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
		finished.forEach(PendingSet::done);
		return new Batch(sets, more);
	}

	private void collect(Map<String, String> sets, int maxEvents) {
		if (this.closed || this.stream.status() != Stream.Status.ENABLED) {
			return;
		}
		Instant now = this.clock.instant();
		Instant resendBefore = now.minus(this.properties.poll().redeliverAfter());
		for (PendingSet set : this.outstanding.values()) {
			if (sets.size() >= maxEvents) {
				return;
			}
			if (!set.handedOutAt.isAfter(resendBefore)) {
				set.handedOutAt = now;
				sets.put(set.jti(), set.token());
			}
		}
		while (sets.size() < maxEvents && !this.queue.isEmpty()) {
			PendingSet set = this.queue.pollFirst();
			set.handedOutAt = now;
			this.outstanding.put(set.jti(), set);
			sets.put(set.jti(), set.token());
			if (set.acceptedAtMillis() > 0) {
				this.latency.record(Math.max(0, System.currentTimeMillis() - set.acceptedAtMillis()),
						TimeUnit.MILLISECONDS);
			}
		}
	}

	/** SETs waiting (queued or unacknowledged) longer than {@code ssf.give-up-after} go to the dead-letter topic. */
	void expire() {
		List<PendingSet> finished = new ArrayList<>();
		this.lock.lock();
		try {
			Instant oldest = this.clock.instant().minus(this.properties.giveUpAfter());
			expire(this.outstanding.values().iterator(), oldest, finished);
			expire(this.queue.iterator(), oldest, finished);
		}
		finally {
			this.lock.unlock();
		}
		finished.forEach(PendingSet::done);
	}

	private void expire(Iterator<PendingSet> sets, Instant oldest, List<PendingSet> finished) {
		while (sets.hasNext()) {
			PendingSet set = sets.next();
			if (set.queuedAt().isBefore(oldest)) {
				Duration waited = Duration.between(set.queuedAt(), this.clock.instant());
				if (this.deadLetters.publish(this.stream, set, "not acknowledged within " + waited)) {
					sets.remove();
					finished.add(set);
				}
			}
		}
	}

	@Override
	protected List<PendingSet> pendingInOrder() {
		List<PendingSet> all = new ArrayList<>(this.outstanding.values());
		all.addAll(this.queue);
		return all;
	}

	@Override
	protected void dropAll() {
		super.dropAll();
		this.outstanding.clear();
	}

	/** @param sets jti → SET, as RFC 8936 section 2.5 answers */
	record Batch(Map<String, String> sets, boolean moreAvailable) {
	}
}
