package org.revocation.core.event;

import java.nio.charset.StandardCharsets;

/**
 * How the worker tells the gateways what is in force (issue 17): per partition of the revocation topic, the highest
 * offset whose cutoff is in Redis. After each applied batch the worker sends one record per partition of the batch to
 * {@code <topic>-applied} (one partition; key the source partition in decimal, value the offset in decimal) and
 * max-merges the same watermark into the Redis hash {@code rsv:applied:<topic>} (field the partition, value the
 * offset), which the gateways poll slowly as a safety net for a missed record. A revocation whose producer ack named
 * partition p and offset o is in force once the watermark of p is at least o.
 */
public final class AppliedOffsets {

	/** Max-merges each field of KEYS[1]: ARGV holds field, value pairs (decimal offsets). */
	public static final String MAX_MERGE_SCRIPT = """
			for i = 1, #ARGV, 2 do
			  local current = redis.call('HGET', KEYS[1], ARGV[i])
			  if (not current) or (tonumber(current) < tonumber(ARGV[i + 1])) then
			    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
			  end
			end
			return 1
			""";

	private AppliedOffsets() {
	}

	/** The announcement topic of a revocation topic. */
	public static String topicOf(String revocationTopic) {
		return revocationTopic + "-applied";
	}

	/** The Redis hash holding the same watermarks. */
	public static String redisKeyOf(String revocationTopic) {
		return "rsv:applied:" + revocationTopic;
	}

	public static byte[] encodeOffset(long offset) {
		return Long.toString(offset).getBytes(StandardCharsets.US_ASCII);
	}

	/** The offset of an announcement's value, or -1 when it is not a decimal number. */
	public static long decodeOffset(byte[] value) {
		try {
			return (value != null) ? Long.parseLong(new String(value, StandardCharsets.US_ASCII)) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** The partition of an announcement's key, or -1 when it is not a decimal number. */
	public static int decodePartition(String key) {
		try {
			return (key != null) ? Integer.parseInt(key) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}
}
