package org.revocation.ssf.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;

/**
 * Push delivery (RFC 8935) for one stream, on its own threads: {@code ssf.push.concurrency} lanes, a subject always
 * on the same lane, each lane one SET in flight at a time, the oldest first. So a subject's SETs arrive in order,
 * other subjects' SETs are pushed meanwhile, and a receiver that is down only holds up its own stream. A failed push is
 * retried after an exponential back-off (initial, doubling, capped); a SET that keeps failing for longer than
 * {@code ssf.give-up-after} (measured on the injected clock from its first failure) goes to the dead-letter topic
 * with the reason, and the stream moves on. A SET leaves the queue only when delivered or dead-lettered, and its
 * event's offset is committed only then.
 */
final class PushOutbox extends Outbox {

	private static final Logger log = LoggerFactory.getLogger(PushOutbox.class);

	private final Pusher pusher;

	private final DeadLetters deadLetters;

	private final SsfProperties properties;

	private final Clock clock;

	private final Timer latency;

	private final List<Deque<PendingSet>> lanes = new ArrayList<>();

	PushOutbox(Stream stream, Pusher pusher, DeadLetters deadLetters, SsfProperties properties, Clock clock,
			Timer latency) {
		super(stream);
		this.pusher = pusher;
		this.deadLetters = deadLetters;
		this.properties = properties;
		this.clock = clock;
		this.latency = latency;
		for (int i = 0; i < properties.push().concurrency(); i++) {
			this.lanes.add(new ArrayDeque<>());
		}
	}

	@Override
	void start() {
		for (int i = 0; i < this.lanes.size(); i++) {
			Deque<PendingSet> lane = this.lanes.get(i);
			Thread thread = new Thread(() -> run(lane), "ssf-push-" + this.stream.streamId() + "-" + i);
			thread.setDaemon(true);
			thread.start();
		}
	}

	@Override
	protected void add(PendingSet set) {
		this.lanes.get(Math.floorMod(set.subject().hashCode(), this.lanes.size())).addLast(set);
	}

	@Override
	protected void clear() {
		this.lanes.forEach(Deque::clear);
	}

	@Override
	protected List<PendingSet> pendingInOrder() {
		List<PendingSet> all = new ArrayList<>();
		this.lanes.forEach(all::addAll);
		return all;
	}

	private void run(Deque<PendingSet> lane) {
		try {
			while (!this.closed) {
				PendingSet head = next(lane);
				if (head == null) {
					return;
				}
				Stream target = this.stream;
				long started = System.nanoTime();
				String token = head.token();
				long signed = System.nanoTime();
				Pusher.Outcome outcome = this.pusher.push(target, token);
				if (log.isDebugEnabled()) {
					log.debug("push stream={} jti={} sign {} µs, push {} µs: {}", target.streamId(), head.jti(),
							(signed - started) / 1000, (System.nanoTime() - signed) / 1000, outcome.result());
				}
				switch (outcome.result()) {
					case DELIVERED -> {
						finish(lane, head);
						if (head.acceptedAtMillis() > 0) {
							this.latency.record(Math.max(0, System.currentTimeMillis() - head.acceptedAtMillis()),
									TimeUnit.MILLISECONDS);
						}
					}
					case REJECTED -> deadLetter(lane, target, head, "receiver rejected the SET: " + outcome.detail());
					case RETRY -> retry(lane, target, head, outcome.detail());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The oldest SET once the stream is enabled; null when closed. */
	private PendingSet next(Deque<PendingSet> lane) throws InterruptedException {
		this.lock.lock();
		try {
			while (!this.closed && (lane.isEmpty() || this.stream.status() != Stream.Status.ENABLED)) {
				this.changed.await();
			}
			return this.closed ? null : lane.peekFirst();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void finish(Deque<PendingSet> lane, PendingSet head) {
		this.lock.lock();
		try {
			if (lane.peekFirst() == head) {
				lane.pollFirst();
			}
		}
		finally {
			this.lock.unlock();
		}
		head.done();
	}

	private void retry(Deque<PendingSet> lane, Stream target, PendingSet head, String detail) throws InterruptedException {
		Instant now = this.clock.instant();
		head.attempts++;
		if (head.firstFailureAt == null) {
			head.firstFailureAt = now;
		}
		Duration failing = Duration.between(head.firstFailureAt, now);
		if (failing.compareTo(this.properties.giveUpAfter()) >= 0) {
			deadLetter(lane, target, head, "undelivered for " + failing + " after " + head.attempts + " attempts; last: "
					+ detail);
			return;
		}
		if (head.attempts == 1) {
			log.warn("push failed stream={} url={} jti={}: {} (retrying with back-off)", target.streamId(),
					target.endpointUrl(), head.jti(), detail);
		}
		waitFor(backOff(head.attempts));
	}

	private void deadLetter(Deque<PendingSet> lane, Stream target, PendingSet head, String reason)
			throws InterruptedException {
		if (this.deadLetters.publish(target, head, reason)) {
			finish(lane, head);
		}
		else {
			waitFor(this.properties.push().maxBackOff());
		}
	}

	Duration backOff(int attempts) {
		Duration initial = this.properties.push().initialBackOff();
		Duration max = this.properties.push().maxBackOff();
		int doublings = Math.min(attempts - 1, 30);
		Duration wait = initial.multipliedBy(1L << doublings);
		return (wait.compareTo(max) > 0 || wait.isNegative()) ? max : wait;
	}

	/** Waits, woken early by a change of the stream (resumed, updated, deleted). */
	private void waitFor(Duration wait) throws InterruptedException {
		this.lock.lock();
		try {
			long generationAtStart = this.generation;
			long remaining = wait.toNanos();
			while (!this.closed && this.generation == generationAtStart && remaining > 0) {
				remaining = this.changed.awaitNanos(remaining);
			}
		}
		finally {
			this.lock.unlock();
		}
	}
}
