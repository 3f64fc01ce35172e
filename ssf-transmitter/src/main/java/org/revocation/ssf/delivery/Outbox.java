package org.revocation.ssf.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.revocation.ssf.stream.Stream;

/**
 * The SETs waiting for one stream, in the order their events were read (so in order per subject). Enabled: they are
 * delivered; paused: held (SSF 1.0 section 8.1.2); disabled or deleted: dropped, and their offsets released.
 */
abstract class Outbox {

	protected final ReentrantLock lock = new ReentrantLock();

	protected final Condition changed = this.lock.newCondition();

	protected final Deque<PendingSet> queue = new ArrayDeque<>();

	protected volatile Stream stream;

	protected volatile boolean closed;

	/** Bumped by every change of the stream (not by new SETs), so a back-off ends early only for those. */
	protected long generation;

	Outbox(Stream stream) {
		this.stream = stream;
	}

	Stream stream() {
		return this.stream;
	}

	void offer(PendingSet set) {
		this.lock.lock();
		try {
			if (this.closed || this.stream.status() == Stream.Status.DISABLED) {
				set.done();
				return;
			}
			add(set);
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	void update(Stream now) {
		this.lock.lock();
		try {
			this.stream = now;
			this.generation++;
			if (now.status() == Stream.Status.DISABLED) {
				dropAll();
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Deleted: everything waiting is dropped. */
	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.generation++;
			dropAll();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The delivery method changed: hand what waits over to the new outbox, in order. */
	List<PendingSet> closeForTransfer() {
		this.lock.lock();
		try {
			this.closed = true;
			this.generation++;
			List<PendingSet> waiting = new ArrayList<>(pendingInOrder());
			clear();
			this.changed.signalAll();
			return waiting;
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return pendingInOrder().size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Everything not yet finished, oldest first (poll adds the SETs handed out and not acknowledged). */
	protected List<PendingSet> pendingInOrder() {
		return new ArrayList<>(this.queue);
	}

	protected void dropAll() {
		pendingInOrder().forEach(PendingSet::done);
		clear();
	}

	/** Queues a SET (under the lock). */
	protected void add(PendingSet set) {
		this.queue.addLast(set);
	}

	/** Forgets everything waiting (under the lock). */
	protected void clear() {
		this.queue.clear();
	}

	abstract void start();
}
