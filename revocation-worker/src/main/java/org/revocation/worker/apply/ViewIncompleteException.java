package org.revocation.worker.apply;

/**
 * The view-complete marker was missing right after a batch was written: the batch stays uncommitted and is retried
 * until the rebuild set the marker again.
 */
class ViewIncompleteException extends RuntimeException {

	ViewIncompleteException() {
		super("revocation view incomplete (rebuild in progress)", null, false, false);
	}
}
