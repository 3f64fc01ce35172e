package org.revocation.core.redis;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Redis key layout (layout version 3). Keys and fields are built only from tenant and user object ids, which must
 * be GUIDs (a UPN is resolved to its id before it gets here), so no user input can shape a key.
 * <ul>
 * <li>{@code rsv:u:{gg}:<tenant>:<bucket>} a hash: field = user id, value = the user's latest cutoff, epoch ms as
 * decimal text, for ever. It is both what the "revoked?" check reads and the Graph property
 * {@code signInSessionsValidFromDateTime}. The bucket is one of {@value #BUCKETS} per tenant, from the user id, so
 * that a bucket stays a small hash that Redis encodes compactly (a listpack, up to {@code hash-max-listpack-entries}
 * = 128 entries by default: about half a million revoked users per tenant) — about 55 bytes per revoked user instead
 * of the ~270 of two plain string keys. Memory is bounded by the users ever revoked, which the directory bounds.</li>
 * <li>{@code gg} is the user's <em>group</em>, one of {@value #GROUPS} (two hex digits, the low bits of the bucket),
 * written as a Redis Cluster hash tag: every key of a group lives in one hash slot, so on a cluster a group lives on
 * one shard and is lost or kept as a whole.</li>
 * <li>{@code rsv:complete:3:{gg}} the group's completeness marker, in the same slot as the cutoffs it vouches for:
 * present when Redis holds every cutoff of the log for the users of that group in this layout; absent after the
 * group's shard (or the whole Redis) lost its data, or while Redis holds an older layout, until the worker rebuilt
 * that group. A check reads its user's cutoff and its group's marker in one round trip, and fails closed while the
 * marker is absent — only for the users of the missing groups.</li>
 * <li>{@code rsv:rebuild:{gg}} a sentinel the worker writes before it replays a group: the marker is set only if the
 * sentinel survived the replay.</li>
 * </ul>
 */
public final class RedisKeys {

	/** The layout version; a new layout gets new marker names, so an upgraded Redis has none and is rebuilt. */
	public static final int LAYOUT = 3;

	/** Buckets per tenant (a power of two). Changing it changes the layout: bump {@link #LAYOUT} with it. */
	public static final int BUCKETS = 4096;

	/** Completeness groups (hash tags), a power of two dividing {@link #BUCKETS}. */
	public static final int GROUPS = 256;

	private static final Pattern GUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private RedisKeys() {
	}

	/** Where a user's cutoff lives: a hash and a field of it, and the completeness group the hash belongs to. */
	public record Slot(String key, String field, int group) {

		/** The key of the marker that vouches for this cutoff (same hash slot). */
		public String marker() {
			return RedisKeys.marker(this.group);
		}
	}

	public static Slot cutoff(String tenantId, String userId) {
		String user = guid(userId);
		int bucket = user.hashCode() & (BUCKETS - 1);
		int group = bucket & (GROUPS - 1);
		return new Slot("rsv:u:" + tag(group) + ":" + guid(tenantId) + ":" + Integer.toHexString(bucket), user, group);
	}

	/** The completeness group of a user. */
	public static int group(String tenantId, String userId) {
		return cutoff(tenantId, userId).group();
	}

	/** The marker of a group: present when the group is complete. */
	public static String marker(int group) {
		return "rsv:complete:" + LAYOUT + ":" + tag(group);
	}

	/** The rebuild sentinel of a group. */
	public static String rebuildSentinel(int group) {
		return "rsv:rebuild:" + tag(group);
	}

	/** A per-user key of another kind (for example {@code rsv:lock}), built from the same validated ids. */
	public static String userKey(String prefix, String tenantId, String userId) {
		return prefix + ":" + guid(tenantId) + ":" + guid(userId);
	}

	public static boolean isGuid(String value) {
		return value != null && GUID.matcher(value).matches();
	}

	private static String tag(int group) {
		if (group < 0 || group >= GROUPS) {
			throw new IllegalArgumentException("group out of range: " + group);
		}
		return String.format(Locale.ROOT, "{%02x}", group);
	}

	private static String guid(String value) {
		if (!isGuid(value)) {
			throw new IllegalArgumentException("not a GUID: a Redis key is built only from tenant and user ids");
		}
		return value.toLowerCase(Locale.ROOT);
	}
}
