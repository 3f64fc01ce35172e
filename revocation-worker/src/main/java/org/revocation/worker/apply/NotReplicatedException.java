package org.revocation.worker.apply;

import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis Cluster master wrote a batch's cutoffs but no replica acknowledged them within the bound: the batch is not
 * applied (a failover now could lose them), so it is not committed and is written again.
 */
public class NotReplicatedException extends JedisException {

	public NotReplicatedException(String message) {
		super(message);
	}
}
