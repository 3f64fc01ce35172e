package org.revocation.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

import org.revocation.gateway.config.GatewayProperties;

/**
 * The console as an OAuth client of the token-checker: the authorize URL (authorization code + PKCE S256) the
 * browser is sent to, and the server-to-server code exchange at the token endpoint.
 */
@Component
class TokenCheckerClient {

	/** Reading users and revoking their sessions, the least a console needs (graph-contract.md section 1.4). */
	static final String SCOPES = "openid profile offline_access User.Read.All User.RevokeSessions.All";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecureRandom RANDOM = new SecureRandom();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ConsoleProperties properties;

	private final String authority;

	TokenCheckerClient(ConsoleProperties properties, GatewayProperties gateway) {
		this.properties = properties;
		this.authority = authority(properties.authority(), gateway.jwksUri());
	}

	/** The configured authority, else the origin of the JWKS URI (the same token-checker). */
	static String authority(String configured, String jwksUri) {
		if (configured != null && !configured.isBlank()) {
			return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
		}
		URI jwks = URI.create(jwksUri);
		return jwks.getScheme() + "://" + jwks.getRawAuthority();
	}

	String authority() {
		return this.authority;
	}

	String authorizeUrl(String redirectUri, String state, String verifier) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("client_id", this.properties.clientId());
		query.put("response_type", "code");
		query.put("redirect_uri", redirectUri);
		query.put("response_mode", "query");
		query.put("scope", SCOPES);
		query.put("state", state);
		query.put("code_challenge", challenge(verifier));
		query.put("code_challenge_method", "S256");
		return this.authority + "/" + segment(this.properties.tenant()) + "/oauth2/v2.0/authorize?" + form(query);
	}

	String logoutUrl(String postLogoutRedirectUri) {
		return this.authority + "/" + segment(this.properties.tenant()) + "/oauth2/v2.0/logout?post_logout_redirect_uri="
				+ UriUtils.encodeQueryParam(postLogoutRedirectUri, StandardCharsets.UTF_8);
	}

	/** Redeems the code; the answer is the token response, or an OAuth error. */
	Tokens redeem(String code, String redirectUri, String verifier) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("client_id", this.properties.clientId());
		form.put("code", code);
		form.put("redirect_uri", redirectUri);
		form.put("code_verifier", verifier);
		form.put("scope", SCOPES);
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(this.authority + "/" + segment(this.properties.tenant()) + "/oauth2/v2.0/token"))
			.timeout(Duration.ofSeconds(15))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			JsonNode body = JSON.readTree(response.body());
			if (response.statusCode() != 200) {
				return Tokens.failed(body.path("error").asString("error") + ": "
						+ body.path("error_description").asString(""));
			}
			return new Tokens(body.path("access_token").asString(null), body.path("expires_in").asLong(3600), null);
		}
		catch (java.io.IOException | JacksonException ex) {
			return Tokens.failed("the token-checker did not answer the code exchange: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Tokens.failed("interrupted");
		}
	}

	/** 32 random bytes, base64url: a PKCE verifier (43 characters) or an OAuth state. */
	static String randomToken() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String segment(String value) {
		return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
	}

	private static String form(Map<String, String> values) {
		return values.entrySet().stream()
			.map((e) -> e.getKey() + "=" + UriUtils.encodeQueryParam(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static String formEncoded(Map<String, String> values) {
		return values.entrySet().stream()
			.map((e) -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	/**
	 * A code exchange's outcome.
	 *
	 * @param accessToken the delegated access token, or null when the exchange failed
	 * @param expiresIn its lifetime in seconds
	 * @param error what went wrong, or null
	 */
	record Tokens(String accessToken, long expiresIn, String error) {

		static Tokens failed(String error) {
			return new Tokens(null, 0, error);
		}
	}
}
