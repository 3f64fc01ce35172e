package org.revocation.core.directory;

import java.time.Instant;
import java.util.List;

/**
 * A user of a tenant. The password is kept only as a slow hash in Spring Security's {@code {id}hash} form.
 *
 * @param id object id (GUID)
 * @param userPrincipalName sign-in name, matched case-insensitively
 * @param directoryRoles built-in directory role names, e.g. "Global Administrator"; empty for ordinary users
 * @param createdDateTime when the user was created: the cutoff before any revocation
 */
public record DirectoryUser(String id, String userPrincipalName, String displayName, String givenName, String surname,
		String mail, String passwordHash, List<String> directoryRoles, Instant createdDateTime) {

	public DirectoryUser {
		directoryRoles = (directoryRoles != null) ? List.copyOf(directoryRoles) : List.of();
	}
}
