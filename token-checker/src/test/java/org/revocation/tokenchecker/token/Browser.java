package org.revocation.tokenchecker.token;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.web.util.UriComponentsBuilder;

import org.revocation.core.testing.DemoTenant;

/**
 * A browser for the tests of the authorize flow: keeps cookies, does not follow redirects, posts the sign-in form
 * with the hidden fields the page carries, and makes PKCE pairs.
 */
final class Browser {

	static final String REDIRECT_URI = "http://localhost:5173";

	private final CookieManager cookies = new CookieManager();

	private final HttpClient http;

	private final String base;

	Browser(String base) {
		this.base = base;
		this.http = HttpClient.newBuilder().cookieHandler(this.cookies).followRedirects(HttpClient.Redirect.NEVER).build();
	}

	/** The authorize query of the public demo client (contoso-cli) with PKCE, plus {@code extra}. */
	static Map<String, String> authorizeParameters(String challenge, Map<String, String> extra) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("client_id", DemoTenant.CONTOSO_CLI.clientId());
		parameters.put("redirect_uri", REDIRECT_URI);
		parameters.put("response_type", "code");
		parameters.put("scope", "openid profile offline_access User.Read");
		parameters.put("state", "s<t>a&te\"1");
		parameters.put("code_challenge", challenge);
		parameters.put("code_challenge_method", "S256");
		parameters.putAll(extra);
		return parameters;
	}

	HttpResponse<String> authorize(String tenant, Map<String, String> parameters) {
		return send(HttpRequest.newBuilder(URI.create(this.base + "/" + tenant + "/oauth2/v2.0/authorize?"
				+ form(parameters))).GET());
	}

	/** Posts the sign-in form of {@code page}: its hidden fields, the username and the password. */
	HttpResponse<String> submit(String tenant, HttpResponse<String> page, String username, String password) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher hidden = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")
			.matcher(page.body());
		while (hidden.find()) {
			fields.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
		}
		fields.put("username", username);
		fields.put("password", password);
		return send(HttpRequest.newBuilder(URI.create(this.base + "/" + tenant + "/oauth2/v2.0/authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(fields))));
	}

	HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	/** The query parameters of a redirect's Location, decoded. */
	static Map<String, String> redirectParameters(HttpResponse<String> redirect) {
		String location = redirect.headers().firstValue("Location").orElseThrow();
		Map<String, String> parameters = new LinkedHashMap<>();
		UriComponentsBuilder.fromUriString(location).build().getQueryParams().forEach((name, values) -> parameters
			.put(name, java.net.URLDecoder.decode(values.get(0), StandardCharsets.UTF_8)));
		return parameters;
	}

	HttpCookie sessionCookie() {
		return this.cookies.getCookieStore().getCookies().stream()
			.filter((cookie) -> cookie.getName().equals("rsv_session")).findFirst().orElse(null);
	}

	/** Replaces the session cookie's value (to tamper with it). */
	void setSessionCookie(String value) {
		HttpCookie cookie = sessionCookie();
		this.cookies.getCookieStore().remove(URI.create(this.base), cookie);
		HttpCookie tampered = new HttpCookie("rsv_session", value);
		tampered.setPath("/");
		tampered.setVersion(0);
		this.cookies.getCookieStore().add(URI.create(this.base), tampered);
	}

	static String[] pkce() {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return new String[] { verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest) };
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String form(Map<String, String> fields) {
		return fields.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static String unescape(String html) {
		return org.springframework.web.util.HtmlUtils.htmlUnescape(html);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
