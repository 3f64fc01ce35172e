package org.revocation.gateway.revoke;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /{v1.0|beta}/me/revokeSignInSessions} and {@code /users/{id | userPrincipalName}/revokeSignInSessions}
 * (also the namespaced {@code microsoft.graph.revokeSignInSessions}, and beta's deprecated
 * {@code invalidateAllRefreshTokens}). The work is {@link Revocations}', shared with {@code $batch}.
 */
@RestController
class RevokeController {

	private final Revocations revocations;

	RevokeController(Revocations revocations) {
		this.revocations = revocations;
	}

	@PostMapping("/{version}/me/{action}")
	CompletableFuture<ResponseEntity<Map<String, Object>>> revokeMe(@PathVariable String version, @PathVariable String action,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		return this.revocations.revokeMe(version, action, Revocations.Call.of(request, authorization, body));
	}

	@PostMapping("/{version}/users/{user}/{action}")
	CompletableFuture<ResponseEntity<Map<String, Object>>> revokeUser(@PathVariable String version, @PathVariable String user,
			@PathVariable String action,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletRequest request) {
		return this.revocations.revokeUser(version, user, action, Revocations.Call.of(request, authorization, body));
	}
}
