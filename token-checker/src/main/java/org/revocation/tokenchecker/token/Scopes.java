package org.revocation.tokenchecker.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;

import org.revocation.core.directory.Application;

/** Scope strings as Microsoft's v2.0 endpoint reads them: Graph permissions, OpenID scopes, {@code /.default}. */
final class Scopes {

	static final String GRAPH = "https://graph.microsoft.com";

	static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

	static final Set<String> OPENID = Set.of("openid", "profile", "offline_access", "email");

	private Scopes() {
	}

	/** For client_credentials: the scope must be the Graph resource's {@code /.default}. */
	static void requireGraphDefault(String scope) {
		if (scope == null || scope.isBlank()) {
			throw OAuthException.missingParameter("scope");
		}
		// MSAL adds "openid profile offline_access" to every request; the v2.0 endpoint ignores them here
		String trimmed = Arrays.stream(scope.trim().split("\\s+"))
			.filter((s) -> !OPENID.contains(s.toLowerCase(Locale.ROOT)))
			.collect(Collectors.joining(" "));
		if (!trimmed.equalsIgnoreCase(GRAPH + "/.default") && !trimmed.equalsIgnoreCase(GRAPH_APP_ID + "/.default")) {
			throw new OAuthException(HttpStatus.BAD_REQUEST, "invalid_scope", 1002012, "The provided value for scope "
					+ trimmed + " is not valid. Client credential flows must have a scope value with /.default "
					+ "suffixed to the resource identifier (application ID URI).");
		}
	}

	/**
	 * The delegated scopes a user flow grants: the requested ones (Graph permissions with or without the resource
	 * prefix, {@code /.default} meaning every consented Graph permission), each of which the application must have
	 * been consented.
	 */
	static Set<String> grantDelegated(String requested, Application application) {
		Set<String> granted = new LinkedHashSet<>();
		String value = (requested == null || requested.isBlank()) ? "openid profile" : requested;
		for (String raw : value.trim().split("\\s+")) {
			String scope = raw;
			String lower = scope.toLowerCase(Locale.ROOT);
			if (lower.startsWith(GRAPH + "/")) {
				scope = scope.substring(GRAPH.length() + 1);
			}
			else if (lower.startsWith(GRAPH_APP_ID + "/")) {
				scope = scope.substring(GRAPH_APP_ID.length() + 1);
			}
			if (scope.equals(".default")) {
				application.delegatedScopes().stream().filter((s) -> !OPENID.contains(s)).forEach(granted::add);
				continue;
			}
			String wanted = scope;
			String consented = application.delegatedScopes().stream().filter((s) -> s.equalsIgnoreCase(wanted))
				.findFirst().orElse(OPENID.contains(wanted.toLowerCase(Locale.ROOT)) ? wanted.toLowerCase(Locale.ROOT) : null);
			if (consented == null) {
				throw OAuthException.invalidGrant(65001, "The user or administrator has not consented to use the "
						+ "application with ID '" + application.clientId() + "' named '" + application.displayName()
						+ "'. Send an interactive authorization request for this user and resource.");
			}
			granted.add(consented);
		}
		return granted;
	}

	/** The Graph permissions among granted scopes (what goes into the access token's {@code scp}). */
	static List<String> graphPermissions(Set<String> granted) {
		return granted.stream().filter((s) -> !OPENID.contains(s)).toList();
	}
}
