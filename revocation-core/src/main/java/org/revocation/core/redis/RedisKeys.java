package org.revocation.core.redis;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Redis key layout (layout version 2). Keys and fields are built only from tenant and user object ids, which must
 * be GUIDs (a UPN is resolved to its id before it gets here), so no user input can shape a key.
 * <ul>
 * <li>{@code rsv:u:{tenant}:{bucket}} a hash: field = user id, value = the user's latest cutoff, epoch ms as decimal
 * text, for ever. It is both what the "revoked?" check reads and the Graph property
 * {@code signInSessionsValidFromDateTime}. The bucket is one of {@value #BUCKETS} per tenant, from the user id, so
 * that a bucket stays a small hash that Redis encodes compactly (a listpack, up to {@code hash-max-listpack-entries}
 * = 128 entries by default: about half a million revoked users per tenant) — about 55 bytes per revoked user instead
 * of the ~270 of two plain string keys. Memory is bounded by the users ever revoked, which the directory bounds.</li>
 * <li>{@code rsv:view-complete:2} present when Redis holds every cutoff of the log in this layout; absent after Redis
 * lost its data (or holds an older layout), until the worker's rebuild finishes. Checkers fail closed while it is
 * absent.</li>
 * </ul>
 */
public final class RedisKeys {

	public static final String VIEW_COMPLETE_MARKER = "rsv:view-complete:2";

	/** Buckets per tenant (a power of two). Changing it changes the layout: bump the marker's version with it. */
	public static final int BUCKETS = 4096;

	private static final Pattern GUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private RedisKeys() {
	}

	/** Where a user's cutoff lives: a hash and a field of it. */
	public record Slot(String key, String field) {
	}

	public static Slot cutoff(String tenantId, String userId) {
		String user = guid(userId);
		return new Slot("rsv:u:" + guid(tenantId) + ":" + Integer.toHexString(user.hashCode() & (BUCKETS - 1)), user);
	}

	/** A per-user key of another kind (for example {@code rsv:lock}), built from the same validated ids. */
	public static String userKey(String prefix, String tenantId, String userId) {
		return prefix + ":" + guid(tenantId) + ":" + guid(userId);
	}

	public static boolean isGuid(String value) {
		return value != null && GUID.matcher(value).matches();
	}

	private static String guid(String value) {
		if (!isGuid(value)) {
			throw new IllegalArgumentException("not a GUID: a Redis key is built only from tenant and user ids");
		}
		return value.toLowerCase(Locale.ROOT);
	}
}
