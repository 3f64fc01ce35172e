package org.revocation.tokenchecker.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import org.revocation.core.directory.Application;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.session.AuthorizationCodes;
import org.revocation.tokenchecker.session.BrowserSession;
import org.revocation.tokenchecker.session.PasswordSignIn;
import org.revocation.tokenchecker.session.SessionCookies;

/**
 * The browser flow of the Microsoft identity platform v2.0: {@code /{tenant}/oauth2/v2.0/authorize} (the sign-in
 * page, the session cookie, authorization codes with PKCE, {@code prompt=login|none}) and
 * {@code /{tenant}/oauth2/v2.0/logout}. A session cookie is honoured only while the revocation rule says so (one Redis
 * read); a revoked one is no session at all: the sign-in page again, {@code login_required} under
 * {@code prompt=none}. Requests that cannot be sent back to a registered redirect URI get an error page instead.
 */
@RestController
class AuthorizeController {

	private static final Logger log = LoggerFactory.getLogger(AuthorizeController.class);

	private static final String[] CARRIED = { "client_id", "redirect_uri", "response_type", "response_mode", "scope",
			"state", "nonce", "code_challenge", "code_challenge_method", "prompt" };

	private static final Set<String> PROMPTS = Set.of("login", "none", "select_account", "consent");

	private final Directory directory;

	private final SessionCookies sessions;

	private final AuthorizationCodes codes;

	private final PasswordSignIn passwordSignIn;

	private final RevocationCheck revocationCheck;

	AuthorizeController(Directory directory, SessionCookies sessions, AuthorizationCodes codes,
			PasswordSignIn passwordSignIn, RevocationCheck revocationCheck) {
		this.directory = directory;
		this.sessions = sessions;
		this.codes = codes;
		this.passwordSignIn = passwordSignIn;
		this.revocationCheck = revocationCheck;
	}

	@RequestMapping(path = "/{tenant}/oauth2/v2.0/authorize", method = RequestMethod.GET)
	ResponseEntity<String> authorize(@PathVariable String tenant, @RequestParam MultiValueMap<String, String> params,
			HttpServletRequest request) {
		Checked checked = check(tenant, params);
		if (checked.error() != null) {
			return checked.error();
		}
		String prompt = params.getFirst("prompt");
		Optional<BrowserSession> cookie = this.sessions.read(request, checked.tenant().id());
		Optional<BrowserSession> live = cookie.filter((session) -> isLive(checked.tenant(), session));
		if (!"login".equals(prompt) && live.isPresent()) {
			return redirectWithCode(checked, live.get(), null);
		}
		if ("none".equals(prompt)) {
			return redirect(checked, Map.of("error", "login_required", "error_description",
					"AADSTS50058: A silent sign-in request was sent but no user is signed in."), null);
		}
		ResponseEntity<String> page = LoginPage.signIn(request.getRequestURI(), checked.tenant().displayName(),
				checked.application().displayName(), carried(params), params.getFirst("login_hint"), null);
		if (cookie.isPresent() && live.isEmpty()) {
			return withCookie(page, this.sessions.clear(request.isSecure()));
		}
		return page;
	}

	@RequestMapping(path = "/{tenant}/oauth2/v2.0/authorize", method = RequestMethod.POST)
	ResponseEntity<String> signIn(@PathVariable String tenant, @RequestParam MultiValueMap<String, String> params,
			HttpServletRequest request) {
		Checked checked = check(tenant, params);
		if (checked.error() != null) {
			return checked.error();
		}
		String username = params.getFirst("username");
		DirectoryUser user;
		try {
			user = this.passwordSignIn.authenticate(checked.tenant(), (username != null) ? username.trim() : "",
					params.getFirst("password"));
		}
		catch (OAuthException ex) {
			String message = (ex.code() == 50053) ? "Your account is temporarily locked to prevent unauthorized use. "
					+ "Try again later." : "Your account or password is incorrect.";
			return LoginPage.signIn(request.getRequestURI(), checked.tenant().displayName(),
					checked.application().displayName(), carried(params), username, message);
		}
		Instant signedInAt = this.revocationCheck.stampSignIn(checked.tenant().id(), user.id());
		BrowserSession session = this.sessions.newSession(checked.tenant().id(), user.id(), UUID.randomUUID().toString(),
				signedInAt);
		log.info("browser signed in tenant={} user={} session={} signedInAt={}", session.tenantId(), user.id(),
				session.sessionId(), signedInAt);
		return redirectWithCode(checked, session, this.sessions.create(session, request.isSecure()));
	}

	@RequestMapping(path = "/{tenant}/oauth2/v2.0/logout", method = { RequestMethod.GET, RequestMethod.POST })
	ResponseEntity<String> logout(@PathVariable String tenant,
			@RequestParam(name = "post_logout_redirect_uri", required = false) String postLogoutRedirectUri,
			@RequestParam(name = "state", required = false) String state, HttpServletRequest request) {
		Tenant directoryTenant = this.directory.tenant(tenant).orElseThrow(() -> new TenantNotFoundException(tenant));
		ResponseCookie clear = this.sessions.clear(request.isSecure());
		boolean registered = postLogoutRedirectUri != null && directoryTenant.applications().stream()
			.anyMatch((application) -> RedirectUris.matches(application, postLogoutRedirectUri));
		if (!registered) {
			return withCookie(LoginPage.signedOut(), clear);
		}
		UriComponentsBuilder target = UriComponentsBuilder.fromUriString(postLogoutRedirectUri);
		if (state != null) {
			target.queryParam("state", UriUtils.encodeQueryParam(state, StandardCharsets.UTF_8));
		}
		return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.SET_COOKIE, clear.toString())
			.location(URI.create(target.build(true).toUriString())).build();
	}

	private boolean isLive(Tenant tenant, BrowserSession session) {
		return tenant.user(session.userId()).isPresent()
				&& this.revocationCheck.isHonoured(tenant.id(), session.userId(), session.signedInAt());
	}

	/** The request's parameters checked in Microsoft's order; errors before the redirect URI is known are pages. */
	private Checked check(String tenantName, MultiValueMap<String, String> params) {
		Optional<Tenant> tenant = this.directory.tenant(tenantName);
		if (tenant.isEmpty()) {
			return Checked.failed(LoginPage.error(HttpStatus.BAD_REQUEST, "AADSTS90002: Tenant '" + tenantName
					+ "' not found. Check to make sure you have the correct tenant ID and are signing into the correct "
					+ "cloud."));
		}
		String clientId = params.getFirst("client_id");
		Optional<Application> application = (clientId != null) ? tenant.get().application(clientId) : Optional.empty();
		if (application.isEmpty()) {
			return Checked.failed(LoginPage.error(HttpStatus.BAD_REQUEST, "AADSTS700016: Application with identifier '"
					+ clientId + "' was not found in the directory '" + tenant.get().displayName() + "'."));
		}
		String redirectUri = params.getFirst("redirect_uri");
		if (redirectUri == null || !RedirectUris.matches(application.get(), redirectUri)) {
			return Checked.failed(LoginPage.error(HttpStatus.BAD_REQUEST, "AADSTS50011: The redirect URI '" + redirectUri
					+ "' specified in the request does not match the redirect URIs configured for the application '"
					+ application.get().clientId() + "'."));
		}
		Checked checked = new Checked(tenant.get(), application.get(), redirectUri, params.getFirst("state"), null,
				null, null);
		if (!"code".equals(params.getFirst("response_type"))) {
			return checked.failedWith(redirect(checked, Map.of("error", "unsupported_response_type", "error_description",
					"AADSTS700054: response_type '" + params.getFirst("response_type")
							+ "' is not enabled for the application."), null));
		}
		String prompt = params.getFirst("prompt");
		if (prompt != null && !PROMPTS.contains(prompt)) {
			return checked.failedWith(redirect(checked, Map.of("error", "invalid_request", "error_description",
					"AADSTS90023: Invalid prompt value '" + prompt + "'."), null));
		}
		String challenge = params.getFirst("code_challenge");
		String method = params.getFirst("code_challenge_method");
		if (challenge == null && application.get().isPublicClient()) {
			return checked.failedWith(redirect(checked, Map.of("error", "invalid_request", "error_description",
					"AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code "
							+ "redemption."), null));
		}
		if (challenge != null && (!"S256".equals(method) || !challenge.matches("[A-Za-z0-9_-]{43}"))) {
			return checked.failedWith(redirect(checked, Map.of("error", "invalid_request", "error_description",
					"AADSTS501491: The code_challenge must be a S256 challenge (code_challenge_method=S256)."), null));
		}
		Set<String> scopes;
		try {
			scopes = Scopes.grantDelegated(params.getFirst("scope"), application.get());
		}
		catch (OAuthException ex) {
			return checked.failedWith(redirect(checked, Map.of("error", "invalid_scope", "error_description",
					"AADSTS" + ex.code() + ": " + ex.getMessage()), null));
		}
		return new Checked(tenant.get(), application.get(), redirectUri, params.getFirst("state"), challenge,
				String.join(" ", scopes), null);
	}

	private ResponseEntity<String> redirectWithCode(Checked checked, BrowserSession session, ResponseCookie cookie) {
		String code = this.codes.issue(session, checked.application().clientId(), checked.redirectUri(),
				checked.codeChallenge(), checked.scopes());
		return redirect(checked, Map.of("code", code), cookie);
	}

	private static ResponseEntity<String> redirect(Checked checked, Map<String, String> parameters,
			ResponseCookie cookie) {
		UriComponentsBuilder target = UriComponentsBuilder.fromUriString(checked.redirectUri());
		Map<String, String> ordered = new LinkedHashMap<>(parameters);
		if (checked.state() != null) {
			ordered.put("state", checked.state());
		}
		ordered.forEach((name, value) -> target.queryParam(name, UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8)));
		ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.FOUND)
			.headers(OAuthErrorHandler.noStoreHeaders())
			.location(URI.create(target.build(true).toUriString()));
		if (cookie != null) {
			response.header(HttpHeaders.SET_COOKIE, cookie.toString());
		}
		return response.build();
	}

	private static ResponseEntity<String> withCookie(ResponseEntity<String> page, ResponseCookie cookie) {
		return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
			.header(HttpHeaders.SET_COOKIE, cookie.toString()).body(page.getBody());
	}

	private static Map<String, String> carried(MultiValueMap<String, String> params) {
		Map<String, String> carried = new LinkedHashMap<>();
		for (String name : CARRIED) {
			String value = params.getFirst(name);
			if (value != null && !(name.equals("prompt") && value.toLowerCase(Locale.ROOT).equals("login"))) {
				carried.put(name, value);
			}
		}
		return carried;
	}

	private record Checked(Tenant tenant, Application application, String redirectUri, String state,
			String codeChallenge, String scopes, ResponseEntity<String> error) {

		static Checked failed(ResponseEntity<String> error) {
			return new Checked(null, null, null, null, null, null, error);
		}

		Checked failedWith(ResponseEntity<String> error) {
			return new Checked(this.tenant, this.application, this.redirectUri, this.state, null, null, error);
		}
	}
}
