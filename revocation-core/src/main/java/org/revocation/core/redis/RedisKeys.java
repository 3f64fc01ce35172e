package org.revocation.core.redis;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Redis key layout. Keys are built only from tenant and user object ids, which must be GUIDs (a UPN is resolved to
 * its id before it gets here), so no user input can shape a key.
 * <ul>
 * <li>{@code rsv:c:{tenant}:{user}} the cutoff used by the "revoked?" check, epoch ms as decimal text; expires once no
 * session that started before it can still be alive (cutoff + longest session lifetime + skew allowance).</li>
 * <li>{@code rsv:v:{tenant}:{user}} the user's latest cutoff for ever (the Graph property
 * {@code signInSessionsValidFromDateTime}), no expiry.</li>
 * <li>{@code rsv:view-complete} present when Redis holds every cutoff of the log; absent after Redis lost its data,
 * until the worker's rebuild finishes. Checkers fail closed while it is absent.</li>
 * </ul>
 */
public final class RedisKeys {

	public static final String VIEW_COMPLETE_MARKER = "rsv:view-complete";

	private static final Pattern GUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private RedisKeys() {
	}

	public static String cutoffKey(String tenantId, String userId) {
		return "rsv:c:" + guid(tenantId) + ":" + guid(userId);
	}

	public static String validFromKey(String tenantId, String userId) {
		return "rsv:v:" + guid(tenantId) + ":" + guid(userId);
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
