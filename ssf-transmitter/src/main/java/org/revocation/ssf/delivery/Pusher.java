package org.revocation.ssf.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.springframework.stereotype.Component;

import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;

/**
 * One RFC 8935 push: {@code POST} of the SET as {@code application/secevent+jwt}, with the stream's
 * {@code authorization_header}. 202 is delivered (section 2.2); 400 is the receiver refusing this SET for good
 * (section 2.3, its {@code err} and {@code description} become the dead-letter reason); anything else (an error
 * status, a refused connection, a timeout) is retried.
 */
@Component
class Pusher {

	private final HttpClient client;

	private final SsfProperties properties;

	Pusher(SsfProperties properties) {
		this.properties = properties;
		// HTTP/1.1: no h2c upgrade dance on plain-http receivers; several pushes per stream run on their own connections
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.push().requestTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	Outcome push(Stream stream, String token) {
		HttpRequest.Builder request;
		try {
			request = HttpRequest.newBuilder(URI.create(stream.endpointUrl()))
				.timeout(this.properties.push().requestTimeout())
				.header("Content-Type", "application/secevent+jwt")
				.header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(token));
			if (stream.authorizationHeader() != null) {
				request.header("Authorization", stream.authorizationHeader());
			}
		}
		catch (IllegalArgumentException ex) {
			return new Outcome(Result.REJECTED, "endpoint_url not usable: " + ex.getMessage());
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 202) {
				return new Outcome(Result.DELIVERED, null);
			}
			String detail = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
			return new Outcome((response.statusCode() == 400) ? Result.REJECTED : Result.RETRY, detail);
		}
		catch (IOException ex) {
			return new Outcome(Result.RETRY, ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Outcome(Result.RETRY, "interrupted");
		}
	}

	private static String abbreviate(String body) {
		if (body == null) {
			return "";
		}
		return (body.length() > 300) ? body.substring(0, 300) + "…" : body;
	}

	enum Result {
		DELIVERED, REJECTED, RETRY
	}

	record Outcome(Result result, String detail) {
	}
}
