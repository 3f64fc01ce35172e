package org.revocation.tokenchecker.token;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.core.directory.Application;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.refresh.InvalidRefreshTokenException;
import org.revocation.tokenchecker.refresh.RefreshToken;
import org.revocation.tokenchecker.refresh.RefreshTokenCodec;
import org.revocation.tokenchecker.session.AuthorizationCode;
import org.revocation.tokenchecker.session.AuthorizationCodes;
import org.revocation.tokenchecker.session.PasswordSignIn;

/**
 * {@code POST /{tenant}/oauth2/v2.0/token}: the {@code authorization_code} (with PKCE), {@code client_credentials},
 * {@code password} and {@code refresh_token} grants. Form fields that Microsoft's libraries add ({@code client_info}, {@code claims}, {@code x-client-*},
 * telemetry) and the {@code client-request-id} query parameter are accepted and ignored.
 */
@RestController
class TokenController {

	private static final Logger log = LoggerFactory.getLogger(TokenController.class);

	private final Directory directory;

	private final ClientAuthenticator clients;

	private final TokenIssuer issuer;

	private final RefreshTokenCodec refreshTokens;

	private final RevocationCheck revocationCheck;

	private final Clock clock;

	private final PasswordSignIn passwordSignIn;

	private final AuthorizationCodes codes;

	TokenController(Directory directory, ClientAuthenticator clients, TokenIssuer issuer,
			RefreshTokenCodec refreshTokens, RevocationCheck revocationCheck, PasswordSignIn passwordSignIn,
			AuthorizationCodes codes, Clock clock) {
		this.passwordSignIn = passwordSignIn;
		this.codes = codes;
		this.directory = directory;
		this.clients = clients;
		this.issuer = issuer;
		this.refreshTokens = refreshTokens;
		this.revocationCheck = revocationCheck;
		this.clock = clock;
	}

	@PostMapping(path = "/{tenant}/oauth2/v2.0/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, Object>> token(@PathVariable String tenant, @RequestParam MultiValueMap<String, String> form,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		Tenant directoryTenant = this.directory.tenant(tenant).orElseThrow(() -> new TenantNotFoundException(tenant));
		String grantType = form.getFirst("grant_type");
		if (grantType == null || grantType.isBlank()) {
			throw OAuthException.missingParameter("grant_type");
		}
		Application application = this.clients.authenticate(directoryTenant, form, authorization);
		Map<String, Object> body = switch (grantType) {
			case "client_credentials" -> clientCredentials(directoryTenant, application, form);
			case "password" -> password(directoryTenant, application, form);
			case "refresh_token" -> refresh(directoryTenant, application, form);
			case "authorization_code" -> authorizationCode(directoryTenant, application, form);
			default -> throw new OAuthException(org.springframework.http.HttpStatus.BAD_REQUEST,
					"unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grantType + "'.");
		};
		return ResponseEntity.ok().headers(OAuthErrorHandler.noStoreHeaders()).contentType(OAuthErrorHandler.JSON_UTF8)
			.body(body);
	}

	private Map<String, Object> clientCredentials(Tenant tenant, Application application,
			MultiValueMap<String, String> form) {
		if (application.isPublicClient()) {
			throw new OAuthException(org.springframework.http.HttpStatus.UNAUTHORIZED, "invalid_client", 7000218,
					"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		Scopes.requireGraphDefault(form.getFirst("scope"));
		log.debug("app token issued tenant={} client={}", tenant.id(), application.clientId());
		return this.issuer.appToken(tenant, application);
	}

	private Map<String, Object> password(Tenant tenant, Application application, MultiValueMap<String, String> form) {
		String username = required(form, "username");
		String password = required(form, "password");
		Set<String> granted = Scopes.grantDelegated(form.getFirst("scope"), application);
		DirectoryUser user = this.passwordSignIn.authenticate(tenant, username, password);
		String sessionId = UUID.randomUUID().toString();
		var signedInAt = this.revocationCheck.stampSignIn(tenant.id(), user.id());
		log.info("signed in tenant={} user={} session={} signedInAt={}", tenant.id(), user.id(), sessionId, signedInAt);
		return this.issuer.userTokens(tenant, application, user, sessionId, signedInAt, granted);
	}

	private Map<String, Object> authorizationCode(Tenant tenant, Application application,
			MultiValueMap<String, String> form) {
		String value = required(form, "code");
		String redirectUri = required(form, "redirect_uri");
		AuthorizationCode code = this.codes.read(value).orElseThrow(() -> OAuthException.invalidGrant(9002313,
				"Invalid request. Request is malformed or invalid."));
		if (!code.tenantId().equals(tenant.id()) || !code.clientId().equalsIgnoreCase(application.clientId())) {
			throw OAuthException.invalidGrant(70000, "Provided grant is invalid or malformed.");
		}
		if (!code.redirectUri().equals(redirectUri)) {
			throw OAuthException.invalidGrant(70000, "Provided grant is invalid or malformed. The redirect_uri does "
					+ "not match the one of the authorization request.");
		}
		if (!code.expiresAt().isAfter(this.clock.instant())) {
			throw OAuthException.invalidGrant(70008, "The provided authorization code or refresh token has expired "
					+ "due to inactivity. Send a new interactive authorization request for this user and resource.");
		}
		if (code.codeChallenge() != null
				&& !AuthorizationCodes.verifierMatches(form.getFirst("code_verifier"), code.codeChallenge())) {
			throw OAuthException.invalidGrant(501481,
					"The Code_Verifier does not match the code_challenge supplied in the authorization request.");
		}
		if (!this.codes.redeemOnce(code)) {
			throw OAuthException.invalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry "
					+ "with a new valid code or use an existing refresh token.");
		}
		DirectoryUser user = tenant.user(code.userId()).orElseThrow(OAuthException::malformedGrant);
		this.revocationCheck.requireNotRevoked(tenant.id(), user.id(), code.signedInAt());
		Set<String> granted = new LinkedHashSet<>(java.util.Arrays.asList(code.scopes().split(" ")));
		log.info("code redeemed tenant={} user={} client={} session={}", tenant.id(), user.id(),
				application.clientId(), code.sessionId());
		return this.issuer.userTokens(tenant, application, user, code.sessionId(), code.signedInAt(), granted);
	}

	private Map<String, Object> refresh(Tenant tenant, Application application, MultiValueMap<String, String> form) {
		String value = required(form, "refresh_token");
		RefreshToken token;
		try {
			token = this.refreshTokens.decode(value);
		}
		catch (InvalidRefreshTokenException ex) {
			throw OAuthException.malformedGrant();
		}
		if (!token.tenantId().equals(tenant.id()) || !token.clientId().equalsIgnoreCase(application.clientId())) {
			// As per RFC 6749 section 5.2: a refresh token issued to another client is invalid_grant
			throw OAuthException.invalidGrant(70000, "Provided grant is invalid or malformed.");
		}
		if (!token.expiresAt().isAfter(this.clock.instant())) {
			throw OAuthException.invalidGrant(700082, "The refresh token has expired due to inactivity. The token was "
					+ "issued on '" + RevocationCheck.GRANT_DATE.format(token.issuedAt()) + "'.");
		}
		DirectoryUser user = tenant.user(token.userId()).orElseThrow(OAuthException::malformedGrant);
		this.revocationCheck.requireNotRevoked(tenant.id(), user.id(), token.signedInAt());
		Set<String> original = new LinkedHashSet<>(java.util.Arrays.asList(token.scopes().split(" ")));
		Set<String> granted = original;
		String requested = form.getFirst("scope");
		if (requested != null && !requested.isBlank()) {
			granted = Scopes.grantDelegated(requested, application);
			granted.add("offline_access");
		}
		return this.issuer.userTokens(tenant, application, user, token.sessionId(), token.signedInAt(), granted);
	}

	private static String required(MultiValueMap<String, String> form, String name) {
		String value = form.getFirst(name);
		if (value == null || value.isEmpty()) {
			throw OAuthException.missingParameter(name);
		}
		return value;
	}
}
