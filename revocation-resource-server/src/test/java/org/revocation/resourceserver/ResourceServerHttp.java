package org.revocation.resourceserver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET with a bearer token over java.net.http, for the resource-server tests. */
public final class ResourceServerHttp {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ResourceServerHttp() {
	}

	public static HttpResponse<String> get(String url, String bearer) {
		try {
			return CLIENT.send(HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + bearer)
				.timeout(Duration.ofSeconds(30))
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
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
