package org.revocation.gateway.users;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.gateway.graph.GraphException;

/**
 * The part of OData's {@code $filter} that {@code GET /users} supports: {@code startswith(property,'text')} on
 * {@code displayName}, {@code userPrincipalName}, {@code mail}, {@code givenName} or {@code surname}, several joined
 * with {@code or}; case-insensitive, as Graph matches them. Anything else is Graph's 400 for an unsupported filter.
 */
final class UserFilter {

	private static final Pattern CLAUSE = Pattern
		.compile("\\s*startswith\\(\\s*(\\w+)\\s*,\\s*'((?:[^']|'')*)'\\s*\\)\\s*", Pattern.CASE_INSENSITIVE);

	private static final Pattern OR = Pattern.compile("\\s+or\\s+", Pattern.CASE_INSENSITIVE);

	private UserFilter() {
	}

	/** The users the filter keeps; null or blank keeps everyone. */
	static Predicate<DirectoryUser> parse(String filter) {
		if (filter == null || filter.isBlank()) {
			return (user) -> true;
		}
		List<Predicate<DirectoryUser>> clauses = new ArrayList<>();
		for (String clause : OR.split(filter.trim())) {
			Matcher matcher = CLAUSE.matcher(clause);
			if (!matcher.matches()) {
				throw GraphException.badRequest("Invalid filter clause: the filter '" + filter
						+ "' is not supported. Use startswith(property,'text') joined with 'or'.");
			}
			String property = matcher.group(1);
			String prefix = matcher.group(2).replace("''", "'").toLowerCase(Locale.ROOT);
			clauses.add(switch (property) {
				case "displayName" -> (user) -> startsWith(user.displayName(), prefix);
				case "userPrincipalName" -> (user) -> startsWith(user.userPrincipalName(), prefix);
				case "mail" -> (user) -> startsWith(user.mail(), prefix);
				case "givenName" -> (user) -> startsWith(user.givenName(), prefix);
				case "surname" -> (user) -> startsWith(user.surname(), prefix);
				default -> throw GraphException.badRequest("Unsupported or invalid query filter clause specified for "
						+ "property '" + property + "' of resource 'User'.");
			});
		}
		return (user) -> clauses.stream().anyMatch((clause) -> clause.test(user));
	}

	private static boolean startsWith(String value, String prefix) {
		return value != null && value.toLowerCase(Locale.ROOT).startsWith(prefix);
	}
}
