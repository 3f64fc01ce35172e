package org.revocation.tokenchecker.token;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * The small HTML pages of the browser flow: the sign-in form (no JavaScript), the signed-out page and the error page
 * shown when the request cannot be sent back to the application. Every value written into them is HTML-escaped.
 */
final class LoginPage {

	private static final String STYLE = "body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0}"
			+ "main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}"
			+ "h1{font-size:1.4rem;font-weight:600}label{display:block;margin-top:1rem}"
			+ "input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.4rem;font-size:1rem}"
			+ "button{margin-top:1.5rem;padding:.5rem 2rem;background:#0067b8;color:#fff;border:0;font-size:1rem}"
			+ ".error{color:#e81123}";

	private LoginPage() {
	}

	static ResponseEntity<String> signIn(String action, String tenantName, String applicationName,
			Map<String, String> carried, String username, String error) {
		StringBuilder hidden = new StringBuilder();
		carried.forEach((name, value) -> {
			if (value != null) {
				hidden.append("<input type=\"hidden\" name=\"").append(escape(name)).append("\" value=\"")
					.append(escape(value)).append("\">\n");
			}
		});
		String body = "<h1>Sign in</h1>\n<p>to continue to " + escape(applicationName) + " (" + escape(tenantName)
				+ ")</p>\n" + ((error != null) ? "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>\n" : "")
				+ "<form method=\"post\" action=\"" + escape(action) + "\">\n" + hidden
				+ "<label for=\"username\">Email or username</label>\n"
				+ "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required value=\""
				+ escape((username != null) ? username : "") + "\">\n"
				+ "<label for=\"password\">Password</label>\n"
				+ "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n"
				+ "<button type=\"submit\">Sign in</button>\n</form>";
		return page(HttpStatus.OK, "Sign in to your account", body);
	}

	static ResponseEntity<String> signedOut() {
		return page(HttpStatus.OK, "Signed out", "<h1>You signed out of your account</h1>\n"
				+ "<p>It's a good idea to close all browser windows.</p>");
	}

	static ResponseEntity<String> error(HttpStatus status, String description) {
		return page(status, "Sign in to your account", "<h1>Sorry, but we're having trouble signing you in.</h1>\n"
				+ "<p class=\"error\">" + escape(description) + "</p>");
	}

	private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
		String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + escape(title)
				+ "</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>" + STYLE
				+ "</style></head>\n<body><main>\n" + body + "\n</main></body>\n</html>\n";
		HttpHeaders headers = OAuthErrorHandler.noStoreHeaders();
		headers.set("X-Frame-Options", "DENY");
		headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
		return ResponseEntity.status(status).headers(headers).contentType(new MediaType(MediaType.TEXT_HTML,
				java.nio.charset.StandardCharsets.UTF_8)).body(html);
	}

	private static String escape(String value) {
		return HtmlUtils.htmlEscape(value, "UTF-8");
	}
}
