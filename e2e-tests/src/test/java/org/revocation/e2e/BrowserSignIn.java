package org.revocation.e2e;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
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

/**
 * What a user's browser does in the authorization-code flow, over plain HTTP: opens the authorize URL, fills in the
 * sign-in form (posting back the hidden fields the page carries), keeps the session cookie, and reads the code or the
 * error from the redirect. Redirects are not followed (the redirect URI is the application's).
 */
final class BrowserSignIn {

	private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	final String verifier;

	final String challenge;

	BrowserSignIn() {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		try {
			this.challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
				.digest(this.verifier.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Opens the authorize URL at {@code checker}; the answer is the sign-in page or a redirect. */
	HttpResponse<String> authorize(String checker, String tenant, String clientId, String redirectUri, String scope,
			String prompt) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("response_type", "code");
		query.put("scope", scope);
		query.put("state", "e2e");
		query.put("code_challenge", this.challenge);
		query.put("code_challenge_method", "S256");
		if (prompt != null) {
			query.put("prompt", prompt);
		}
		return send(HttpRequest.newBuilder(URI.create(checker + "/" + tenant + "/oauth2/v2.0/authorize?" + form(query)))
			.GET());
	}

	/** Signs in on the page and returns the redirect's query parameters (code and state, or error). */
	Map<String, String> signIn(String checker, String tenant, HttpResponse<String> page, String username,
			String password) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher hidden = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">").matcher(page.body());
		while (hidden.find()) {
			fields.put(hidden.group(1), unescape(hidden.group(2)));
		}
		fields.put("username", username);
		fields.put("password", password);
		HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(checker + "/" + tenant
				+ "/oauth2/v2.0/authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(fields))));
		return callback(redirect);
	}

	static Map<String, String> callback(HttpResponse<String> redirect) {
		if (redirect.statusCode() != 302) {
			throw new IllegalStateException("expected a redirect, got " + redirect.statusCode() + ": " + redirect.body());
		}
		String location = redirect.headers().firstValue("Location").orElseThrow();
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : URI.create(location).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	private static String unescape(String html) {
		return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
			.replace("&amp;", "&");
	}

	private static String form(Map<String, String> fields) {
		return fields.entrySet().stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
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
