package org.revocation.gateway.auth;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may invalidate whose refresh tokens: the "who can reset passwords" table of graph-contract.md section 1.5 (the
 * Entra table that covers "reset passwords and invalidate refresh tokens"). Columns are actor roles; each row names
 * the actors allowed to act on a target holding that role.
 */
final class DirectoryRoles {

	static final String PASSWORD_ADMIN = "Password Administrator";

	static final String HELPDESK_ADMIN = "Helpdesk Administrator";

	static final String AUTH_ADMIN = "Authentication Administrator";

	static final String USER_ADMIN = "User Administrator";

	static final String PRIVILEGED_AUTH_ADMIN = "Privileged Authentication Administrator";

	static final String GLOBAL_ADMIN = "Global Administrator";

	private static final Set<String> ALL_ACTORS = Set.of(PASSWORD_ADMIN, HELPDESK_ADMIN, AUTH_ADMIN, USER_ADMIN,
			PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN);

	private static final Set<String> TOP = Set.of(PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN);

	/** target role → actor roles allowed; a role not listed here is "all other built-in and custom roles". */
	private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
			Map.entry("Directory Readers", ALL_ACTORS), Map.entry("Guest Inviter", ALL_ACTORS),
			Map.entry(PASSWORD_ADMIN, ALL_ACTORS),
			Map.entry("Message Center Reader", Set.of(HELPDESK_ADMIN, AUTH_ADMIN, USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry("Reports Reader", Set.of(HELPDESK_ADMIN, AUTH_ADMIN, USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry("Usage Summary Reports Reader", Set.of(HELPDESK_ADMIN, AUTH_ADMIN, USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry("User Experience Success Manager", Set.of(HELPDESK_ADMIN, AUTH_ADMIN, USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry(HELPDESK_ADMIN, Set.of(HELPDESK_ADMIN, USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry("Groups Administrator", Set.of(USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry(USER_ADMIN, Set.of(USER_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry(AUTH_ADMIN, Set.of(AUTH_ADMIN, PRIVILEGED_AUTH_ADMIN, GLOBAL_ADMIN)),
			Map.entry(PRIVILEGED_AUTH_ADMIN, TOP), Map.entry("Privileged Role Administrator", TOP),
			Map.entry(GLOBAL_ADMIN, TOP));

	private DirectoryRoles() {
	}

	/** Whether an actor holding {@code actorRoles} may invalidate the sessions of a target holding {@code targetRoles}. */
	static boolean mayActOn(List<String> actorRoles, List<String> targetRoles) {
		if (targetRoles.isEmpty()) {
			return actorRoles.stream().anyMatch(ALL_ACTORS::contains);
		}
		return targetRoles.stream()
			.allMatch((target) -> actorRoles.stream().anyMatch(ALLOWED.getOrDefault(target, TOP)::contains));
	}
}
