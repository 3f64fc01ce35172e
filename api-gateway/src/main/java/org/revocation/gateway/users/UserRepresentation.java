package org.revocation.gateway.users;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.gateway.graph.GraphException;

/**
 * A directory user as Graph renders {@code microsoft.graph.user}: the default properties, or exactly the
 * {@code $select}ed ones. {@code signInSessionsValidFromDateTime} (and beta's {@code refreshTokensValidFromDateTime})
 * appear only when selected.
 */
final class UserRepresentation {

	static final List<String> DEFAULT = List.of("businessPhones", "displayName", "givenName", "jobTitle", "mail",
			"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id");

	private static final Set<String> VALID_FROM = Set.of("signInSessionsValidFromDateTime",
			"refreshTokensValidFromDateTime");

	private static final Set<String> EXTRA = Set.of("createdDateTime", "accountEnabled", "userType");

	private UserRepresentation() {
	}

	/** The selected properties, validated; null or blank means the defaults. */
	static List<String> parseSelect(String select, String version) {
		if (select == null || select.isBlank()) {
			return DEFAULT;
		}
		List<String> properties = List.of(select.split(","));
		for (String raw : properties) {
			String property = raw.trim();
			boolean known = DEFAULT.contains(property) || EXTRA.contains(property)
					|| "signInSessionsValidFromDateTime".equals(property)
					|| ("beta".equals(version) && "refreshTokensValidFromDateTime".equals(property));
			if (!known) {
				throw GraphException.badRequest("Could not find a property named '" + property
						+ "' on type 'microsoft.graph.user'.");
			}
		}
		return properties.stream().map(String::trim).distinct().toList();
	}

	static boolean needsValidFrom(List<String> properties) {
		return properties.stream().anyMatch(VALID_FROM::contains);
	}

	static Map<String, Object> render(DirectoryUser user, List<String> properties, Supplier<Instant> validFrom) {
		Map<String, Object> json = new LinkedHashMap<>();
		for (String property : properties) {
			json.put(property, switch (property) {
				case "businessPhones" -> List.of();
				case "displayName" -> user.displayName();
				case "givenName" -> user.givenName();
				case "surname" -> user.surname();
				case "mail" -> user.mail();
				case "userPrincipalName" -> user.userPrincipalName();
				case "id" -> user.id();
				case "createdDateTime" -> user.createdDateTime().toString();
				case "accountEnabled" -> true;
				case "userType" -> "Member";
				case "signInSessionsValidFromDateTime", "refreshTokensValidFromDateTime" -> validFrom.get().toString();
				default -> null;
			});
		}
		return json;
	}
}
