package org.revocation.tokenchecker.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

import org.revocation.core.directory.Application;
import org.revocation.core.directory.Tenant;

/**
 * Identifies the calling application: {@code client_secret_basic} (Authorization header) or {@code client_secret_post}
 * (form fields); public clients present only their {@code client_id}.
 */
@Component
class ClientAuthenticator {

	/** The application, authenticated when it is confidential. */
	Application authenticate(Tenant tenant, MultiValueMap<String, String> form, String authorization) {
		String clientId = form.getFirst("client_id");
		String secret = form.getFirst("client_secret");
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String decoded;
			try {
				decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
						StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				throw invalidClient(7000216, "'client_assertion', 'client_secret' or 'request' is required for the "
						+ "'client_credentials' grant type.");
			}
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				throw invalidClient(7000216, "The client credentials in the Authorization header are malformed.");
			}
			clientId = urlDecode(decoded.substring(0, colon));
			secret = urlDecode(decoded.substring(colon + 1));
		}
		if (clientId == null || clientId.isBlank()) {
			throw OAuthException.missingParameter("client_id");
		}
		String id = clientId;
		Application application = tenant.application(id)
			.orElseThrow(() -> new OAuthException(HttpStatus.BAD_REQUEST, "unauthorized_client", 700016,
					"Application with identifier '" + id + "' was not found in the directory '" + tenant.displayName()
							+ "'. This can happen if the application has not been installed by the administrator of "
							+ "the tenant or consented to by any user in the tenant. You may have sent your "
							+ "authentication request to the wrong tenant."));
		if (application.isPublicClient()) {
			if (secret != null) {
				throw invalidClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' "
						+ "should be presented.");
			}
			return application;
		}
		if (secret == null || secret.isEmpty()) {
			throw invalidClient(7000218,
					"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		if (!application.secretMatches(secret)) {
			throw invalidClient(7000215, "Invalid client secret provided. Ensure the secret being sent in the request "
					+ "is the client secret value, not the client secret ID, for a secret added to app '" + id + "'.");
		}
		return application;
	}

	private static OAuthException invalidClient(int code, String description) {
		return new OAuthException(HttpStatus.UNAUTHORIZED, "invalid_client", code, description);
	}

	private static String urlDecode(String value) {
		return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
	}
}
