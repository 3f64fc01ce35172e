package org.revocation.core.directory;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A tenant (directory).
 *
 * @param id tenant id (GUID)
 * @param domains verified domains, e.g. {@code contoso.test}
 * @param personalAccounts true for the consumer (personal Microsoft account) tenant
 */
public record Tenant(String id, String displayName, List<String> domains, boolean personalAccounts,
		List<DirectoryUser> users, List<Application> applications) {

	public Tenant {
		domains = (domains != null) ? List.copyOf(domains) : List.of();
		users = (users != null) ? List.copyOf(users) : List.of();
		applications = (applications != null) ? List.copyOf(applications) : List.of();
	}

	/** A user by object id or by user principal name (case-insensitive). */
	public Optional<DirectoryUser> user(String idOrUpn) {
		if (idOrUpn == null) {
			return Optional.empty();
		}
		String wanted = idOrUpn.toLowerCase(Locale.ROOT);
		return this.users.stream()
			.filter((u) -> u.id().equalsIgnoreCase(wanted) || u.userPrincipalName().toLowerCase(Locale.ROOT).equals(wanted))
			.findFirst();
	}

	public Optional<Application> application(String clientId) {
		return this.applications.stream().filter((a) -> a.clientId().equalsIgnoreCase(clientId)).findFirst();
	}
}
