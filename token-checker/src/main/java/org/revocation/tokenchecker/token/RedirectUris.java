package org.revocation.tokenchecker.token;

import java.net.URI;
import java.net.URISyntaxException;

import org.revocation.core.directory.Application;

/**
 * Redirect URI matching as Entra ID does it: exact, except that a registered {@code http://localhost} URI matches any
 * port (RFC 8252 section 7.3, native apps on a loopback port).
 */
final class RedirectUris {

	private RedirectUris() {
	}

	static boolean matches(Application application, String candidate) {
		URI given;
		try {
			given = new URI(candidate);
		}
		catch (URISyntaxException ex) {
			return false;
		}
		if (given.getFragment() != null || given.getScheme() == null) {
			return false;
		}
		for (String registered : application.redirectUris()) {
			if (registered.equals(candidate)) {
				return true;
			}
			URI uri = URI.create(registered);
			if ("http".equals(uri.getScheme()) && "localhost".equals(uri.getHost()) && uri.getPort() == -1
					&& "http".equals(given.getScheme()) && "localhost".equals(given.getHost())
					&& normalize(uri.getRawPath()).equals(normalize(given.getRawPath())) && given.getRawQuery() == null) {
				return true;
			}
		}
		return false;
	}

	private static String normalize(String path) {
		return (path == null || path.isEmpty()) ? "/" : path;
	}
}
