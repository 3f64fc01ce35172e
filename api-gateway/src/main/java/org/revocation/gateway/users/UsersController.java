package org.revocation.gateway.users;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.directory.Tenant;
import org.revocation.core.redis.CutoffReader;
import org.revocation.gateway.auth.Callers;
import org.revocation.gateway.auth.Caller;
import org.revocation.gateway.graph.GraphException;
import org.revocation.gateway.graph.GraphResponses;

/**
 * {@code GET /me}, {@code GET /users/{id | userPrincipalName}} and {@code GET /users} (paged with {@code $top} and
 * {@code @odata.nextLink}, and {@code $filter} with {@code startswith}, see {@link UserFilter}), with {@code $select}.
 * {@code signInSessionsValidFromDateTime} is the user's latest cutoff
 * (the worker's durable record), or the creation time when never revoked.
 */
@RestController
class UsersController {

	private static final Set<String> APP_READ = Set.of("User.Read.All", "User.ReadWrite.All", "Directory.Read.All",
			"Directory.ReadWrite.All");

	private static final Set<String> DELEGATED_READ_OTHERS = Set.of("User.ReadBasic.All", "User.Read.All",
			"User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All");

	private static final int DEFAULT_PAGE = 100;

	private static final int MAX_PAGE = 999;

	private final Callers callers;

	private final CutoffReader cutoffs;

	UsersController(Callers callers, CutoffReader cutoffs) {
		this.callers = callers;
		this.cutoffs = cutoffs;
	}

	@GetMapping("/{version}/me")
	ResponseEntity<Map<String, Object>> me(@PathVariable String version,
			@RequestParam Map<String, String> query,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			HttpServletRequest request) {
		GraphResponses.checkVersion(version);
		Caller caller = this.callers.authenticate(authorization);
		if (!caller.delegated()) {
			throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
		}
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser me = tenant.user(caller.objectId()).orElseThrow(() -> GraphException.notFound(caller.objectId()));
		return one(version, tenant, me, query, request);
	}

	@GetMapping("/{version}/users/{user}")
	ResponseEntity<Map<String, Object>> user(@PathVariable String version, @PathVariable String user,
			@RequestParam Map<String, String> query,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			HttpServletRequest request) {
		GraphResponses.checkVersion(version);
		Caller caller = this.callers.authenticate(authorization);
		Tenant tenant = this.callers.tenantOf(caller);
		DirectoryUser target = tenant.user(user).orElseThrow(() -> GraphException.notFound(user));
		boolean self = caller.delegated() && caller.objectId().equalsIgnoreCase(target.id());
		if (!self) {
			requireReadOthers(caller);
		}
		return one(version, tenant, target, query, request);
	}

	@GetMapping("/{version}/users")
	ResponseEntity<Map<String, Object>> users(@PathVariable String version, @RequestParam Map<String, String> query,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			HttpServletRequest request) {
		GraphResponses.checkVersion(version);
		Caller caller = this.callers.authenticate(authorization);
		Tenant tenant = this.callers.tenantOf(caller);
		requireReadOthers(caller);
		checkOptions(query, Set.of("$select", "$top", "$skiptoken", "$filter"));
		List<String> select = UserRepresentation.parseSelect(query.get("$select"), version);
		int top = number(query.get("$top"), DEFAULT_PAGE, "$top");
		if (top < 1 || top > MAX_PAGE) {
			throw GraphException.badRequest("Invalid page size specified: '" + top + "'. Must be between 1 and 999 inclusive.");
		}
		int skip = number(query.get("$skiptoken"), 0, "$skiptoken");
		String filter = query.get("$filter");
		List<DirectoryUser> all = tenant.users().stream().filter(UserFilter.parse(filter)).toList();
		List<Map<String, Object>> page = all.stream().skip(skip).limit(top)
			.map((u) -> UserRepresentation.render(u, select, () -> validFrom(tenant, u)))
			.toList();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", base(request) + "/" + version + "/$metadata#users" + selectSuffix(query));
		if (skip + top < all.size()) {
			String selected = query.get("$select");
			body.put("@odata.nextLink", base(request) + "/" + version + "/users?$top=" + top
					+ ((selected != null && !selected.isBlank()) ? "&$select=" + String.join(",", select) : "")
					+ ((filter != null && !filter.isBlank())
							? "&$filter=" + UriUtils.encodeQueryParam(filter, StandardCharsets.UTF_8) : "")
					+ "&$skiptoken=" + (skip + top));
		}
		body.put("value", page);
		return GraphResponses.ok(body);
	}

	private ResponseEntity<Map<String, Object>> one(String version, Tenant tenant, DirectoryUser user,
			Map<String, String> query, HttpServletRequest request) {
		checkOptions(query, Set.of("$select"));
		List<String> select = UserRepresentation.parseSelect(query.get("$select"), version);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", base(request) + "/" + version + "/$metadata#users" + selectSuffix(query) + "/$entity");
		body.putAll(UserRepresentation.render(user, select, () -> validFrom(tenant, user)));
		return GraphResponses.ok(body);
	}

	private Instant validFrom(Tenant tenant, DirectoryUser user) {
		return this.cutoffs.validFrom(tenant.id(), user.id()).orElse(user.createdDateTime());
	}

	private static void requireReadOthers(Caller caller) {
		Set<String> allowed = caller.delegated() ? DELEGATED_READ_OTHERS : APP_READ;
		if (caller.permissions().stream().noneMatch(allowed::contains)) {
			throw GraphException.accessDenied();
		}
	}

	private static void checkOptions(Map<String, String> query, Set<String> allowed) {
		for (String option : query.keySet()) {
			if (option.startsWith("$") && !allowed.contains(option)) {
				throw GraphException.badRequest("Query option '" + option + "' is not allowed on this request.");
			}
		}
	}

	private static int number(String value, int fallback, String option) {
		if (value == null) {
			return fallback;
		}
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw GraphException.badRequest("Invalid value for query option '" + option + "'.");
		}
	}

	private static String selectSuffix(Map<String, String> query) {
		String select = query.get("$select");
		return (select == null || select.isBlank()) ? "" : "(" + select.replace(" ", "") + ")";
	}

	private static String base(HttpServletRequest request) {
		return ServletUriComponentsBuilder.fromContextPath(request).build().toUriString();
	}

}
