package org.revocation.gateway.admin;

import java.io.Serializable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import tools.jackson.databind.JsonNode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import org.revocation.core.directory.Directory;
import org.revocation.core.directory.Tenant;
import org.revocation.core.event.Actor;
import org.revocation.core.event.RevocationEvent;
import org.revocation.gateway.config.GatewayProperties;

/**
 * The administrator's console at {@code /admin}: sign-in through the token-checker (code + PKCE), user search, the
 * user page (cutoff and recent revocations), revoke one or several users with a confirmation, and the pipeline's
 * health. Every read and every revocation is a Graph call with the administrator's delegated token
 * ({@link GraphClient}); a refusal is shown with Graph's own error.
 */
@Controller
@ConditionalOnProperty(prefix = "gateway.console", name = "enabled", matchIfMissing = true)
class ConsoleController {

	private static final String STATE = "console.state";

	private static final String VERIFIER = "console.verifier";

	private static final String FLASH = "console.flash";

	private static final int MAX_BULK = 50;

	private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final ConsoleProperties properties;

	private final TokenCheckerClient tokenChecker;

	private final GraphClient graph;

	private final RevocationHistory history;

	private final PipelineHealth health;

	private final Directory directory;

	private final Duration inForceTimeout;

	private final Clock clock;

	ConsoleController(ConsoleProperties properties, TokenCheckerClient tokenChecker, GraphClient graph,
			RevocationHistory history, PipelineHealth health, Directory directory, GatewayProperties gateway,
			Clock clock) {
		this.clock = clock;
		this.properties = properties;
		this.tokenChecker = tokenChecker;
		this.graph = graph;
		this.history = history;
		this.health = health;
		this.directory = directory;
		this.inForceTimeout = gateway.inForceTimeout();
	}

	// ---- signing in and out

	@GetMapping("/admin")
	String home(HttpServletRequest request, Model model) {
		Optional<String> onLocalhost = onLocalhost(request, "/admin");
		if (onLocalhost.isPresent()) {
			return "redirect:" + onLocalhost.get();
		}
		if (signedIn(request).isPresent()) {
			return "redirect:/admin/users";
		}
		model.addAttribute("flash", takeFlash(request));
		return "admin/signin";
	}

	@GetMapping("/admin/signin")
	String signIn(HttpServletRequest request) {
		Optional<String> onLocalhost = onLocalhost(request, "/admin/signin");
		if (onLocalhost.isPresent()) {
			return "redirect:" + onLocalhost.get();
		}
		HttpSession session = request.getSession(true);
		String state = TokenCheckerClient.randomToken();
		String verifier = TokenCheckerClient.randomToken();
		session.setAttribute(STATE, state);
		session.setAttribute(VERIFIER, verifier);
		return "redirect:" + this.tokenChecker.authorizeUrl(redirectUri(request), state, verifier);
	}

	@GetMapping("/admin/callback")
	String callback(@RequestParam(required = false) String code, @RequestParam(required = false) String state,
			@RequestParam(required = false) String error,
			@RequestParam(name = "error_description", required = false) String errorDescription,
			HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		String expectedState = (session != null) ? (String) session.getAttribute(STATE) : null;
		String verifier = (session != null) ? (String) session.getAttribute(VERIFIER) : null;
		if (session != null) {
			session.removeAttribute(STATE);
			session.removeAttribute(VERIFIER);
		}
		if (error != null) {
			return failedSignIn(request, "The token-checker refused the sign-in: " + error
					+ ((errorDescription != null) ? " — " + errorDescription : ""));
		}
		if (code == null || state == null || expectedState == null || !expectedState.equals(state)) {
			return failedSignIn(request, "The sign-in could not be completed (it expired or did not start here). "
					+ "Please sign in again.");
		}
		TokenCheckerClient.Tokens tokens = this.tokenChecker.redeem(code, redirectUri(request), verifier);
		if (tokens.accessToken() == null) {
			return failedSignIn(request, "The code exchange failed: " + tokens.error());
		}
		GraphClient.Answer me = this.graph.get(tokens.accessToken(),
				"/me?$select=" + GraphClient.query("id,displayName,userPrincipalName"));
		if (!me.ok()) {
			return failedSignIn(request, "Graph refused the new token: " + me.status() + " " + me.errorCode() + " — "
					+ me.errorMessage());
		}
		this.history.readFromNowOn();
		request.changeSessionId(); // no session fixation across the sign-in
		session.setAttribute(ConsoleSignIn.ATTRIBUTE, new ConsoleSignIn(tokens.accessToken(),
				this.clock.instant().plusSeconds(tokens.expiresIn()), me.body().path("id").asString(),
				me.body().path("displayName").asString(), me.body().path("userPrincipalName").asString(),
				TokenCheckerClient.randomToken()));
		return "redirect:/admin/users";
	}

	@PostMapping("/admin/signout")
	String signOut(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		String signedOut = this.properties.redirectUri().isBlank()
				? ServletUriComponentsBuilder.fromContextPath(request).path("/admin/signed-out").build().toUriString()
				: this.properties.redirectUri().replaceFirst("/callback$", "/signed-out");
		return "redirect:" + this.tokenChecker.logoutUrl(signedOut);
	}

	@GetMapping("/admin/signed-out")
	String signedOut(Model model) {
		model.addAttribute("flash", Flash.info("You are signed out of the console and of the token-checker."));
		return "admin/signin";
	}

	// ---- users

	@GetMapping("/admin/users")
	String users(@RequestParam(name = "q", required = false) String q,
			@RequestParam(name = "page", required = false) String page, HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		String search = (q != null) ? q.trim() : "";
		StringBuilder query = new StringBuilder("/users?$select=")
			.append(GraphClient.query("id,displayName,userPrincipalName"))
			.append("&$top=").append(this.properties.pageSize());
		if (!search.isEmpty()) {
			String literal = search.replace("'", "''");
			query.append("&$filter=").append(GraphClient.query("startswith(displayName,'" + literal
					+ "') or startswith(userPrincipalName,'" + literal + "')"));
		}
		if (page != null && !page.isBlank()) {
			query.append("&$skiptoken=").append(GraphClient.query(page));
		}
		GraphClient.Answer answer = this.graph.get(signIn.get().accessToken(), query.toString());
		if (answer.status() == 401) {
			return expired(request, answer);
		}
		List<Map<String, String>> users = new ArrayList<>();
		String next = null;
		if (answer.ok()) {
			for (JsonNode user : answer.body().path("value")) {
				users.add(Map.of("id", user.path("id").asString(), "displayName", user.path("displayName").asString(""),
						"userPrincipalName", user.path("userPrincipalName").asString("")));
			}
			String nextLink = answer.body().path("@odata.nextLink").asString(null);
			if (nextLink != null) {
				next = org.springframework.web.util.UriComponentsBuilder.fromUriString(nextLink).build()
					.getQueryParams().getFirst("$skiptoken");
			}
		}
		else {
			model.addAttribute("flash", Flash.refused(answer, "search users"));
		}
		page(model, signIn.get(), "users");
		model.addAttribute("q", search);
		model.addAttribute("users", users);
		model.addAttribute("nextPage", next);
		model.addAttribute("firstPage", page != null && !page.isBlank());
		if (!model.containsAttribute("flash")) {
			model.addAttribute("flash", takeFlash(request));
		}
		return "admin/users";
	}

	@GetMapping("/admin/users/{id}")
	String user(@PathVariable String id, HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		GraphClient.Answer answer = this.graph.get(signIn.get().accessToken(), "/users/" + GraphClient.segment(id)
				+ "?$select=" + GraphClient.query("id,displayName,userPrincipalName,signInSessionsValidFromDateTime"));
		if (answer.status() == 401) {
			return expired(request, answer);
		}
		page(model, signIn.get(), "users");
		model.addAttribute("flash", takeFlash(request));
		if (!answer.ok()) {
			model.addAttribute("flash", Flash.refused(answer, "read this user"));
			model.addAttribute("user", null);
			return "admin/user";
		}
		JsonNode user = answer.body();
		model.addAttribute("user", Map.of("id", user.path("id").asString(), "displayName",
				user.path("displayName").asString(""), "userPrincipalName", user.path("userPrincipalName").asString(""),
				"validFrom", shown(user.path("signInSessionsValidFromDateTime").asString(""))));
		this.history.readFromNowOn(); // after a restart of the gateway, with a console session still open
		model.addAttribute("history", history(user.path("id").asString()));
		model.addAttribute("historyLoading", !this.history.caughtUp());
		return "admin/user";
	}

	@GetMapping("/admin/users/{id}/revoke")
	String confirmRevoke(@PathVariable String id, HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		List<Map<String, String>> targets = describe(signIn.get(), List.of(id));
		if (targets.isEmpty()) {
			return "redirect:/admin/users/" + GraphClient.segment(id);
		}
		page(model, signIn.get(), "users");
		model.addAttribute("targets", targets);
		model.addAttribute("action", "/admin/users/" + GraphClient.segment(id) + "/revoke");
		model.addAttribute("back", "/admin/users/" + GraphClient.segment(id));
		return "admin/confirm";
	}

	@PostMapping("/admin/users/{id}/revoke")
	String revoke(@PathVariable String id, HttpServletRequest request) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		long started = System.nanoTime();
		GraphClient.Answer answer = this.graph.revoke(signIn.get().accessToken(), id).join();
		long millis = (System.nanoTime() - started) / 1_000_000;
		if (answer.status() == 401) {
			return expired(request, answer);
		}
		request.getSession().setAttribute(FLASH, answer.ok() ? revoked(millis, answer)
				: Flash.refused(answer, "revoke this user's sessions"));
		return "redirect:/admin/users/" + GraphClient.segment(id);
	}

	// ---- several users at once

	@GetMapping("/admin/bulk")
	String confirmBulk(@RequestParam(name = "id", required = false) List<String> ids,
			@RequestParam(name = "q", required = false) String q, HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		List<String> chosen = chosen(ids);
		if (chosen.isEmpty()) {
			request.getSession().setAttribute(FLASH, Flash.error("Select at least one user to revoke.", null));
			return "redirect:/admin/users" + ((q != null && !q.isBlank()) ? "?q=" + GraphClient.query(q) : "");
		}
		page(model, signIn.get(), "users");
		model.addAttribute("targets", describe(signIn.get(), chosen));
		model.addAttribute("action", "/admin/bulk");
		model.addAttribute("back", "/admin/users" + ((q != null && !q.isBlank()) ? "?q=" + GraphClient.query(q) : ""));
		return "admin/confirm";
	}

	@PostMapping("/admin/bulk")
	String bulk(@RequestParam(name = "id", required = false) List<String> ids, HttpServletRequest request) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		long started = System.nanoTime();
		List<String> chosen = chosen(ids);
		// Graph JSON batching: the users' revocations published together and awaited together
		List<GraphClient.Answer> answers = this.graph.revokeAll(signIn.get().accessToken(), chosen);
		List<Map<String, String>> results = new ArrayList<>();
		for (int i = 0; i < chosen.size(); i++) {
			GraphClient.Answer answer = answers.get(i);
			Map<String, String> row = new LinkedHashMap<>();
			row.put("id", chosen.get(i));
			row.put("ok", Boolean.toString(answer.ok()));
			row.put("status", answer.ok() ? "Revoked, in force after " + answer.millis() + " ms"
					: answer.status() + " " + answer.errorCode() + ": " + answer.errorMessage()
							+ ((answer.status() == 403) ? " " + Flash.ROLE_EXPLAINED : ""));
			row.put("requestId", (answer.requestId() != null) ? answer.requestId() : "");
			results.add(row);
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		long failed = results.stream().filter((r) -> !"true".equals(r.get("ok"))).count();
		request.getSession().setAttribute(FLASH, (failed == 0)
				? Flash.success("Revoked the sessions of " + results.size() + " users in " + millis + " ms.", results)
				: Flash.error(failed + " of " + results.size() + " revocations were refused; the others are in force.",
						results));
		return "redirect:/admin/bulk/done";
	}

	@GetMapping("/admin/bulk/done")
	String bulkDone(HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		Flash flash = takeFlash(request);
		if (flash == null) {
			return "redirect:/admin/users";
		}
		page(model, signIn.get(), "users");
		model.addAttribute("flash", flash);
		return "admin/bulk";
	}

	// ---- pipeline health

	@GetMapping("/admin/health")
	String health(HttpServletRequest request, Model model) {
		Optional<ConsoleSignIn> signIn = signedIn(request);
		if (signIn.isEmpty()) {
			return "redirect:/admin";
		}
		page(model, signIn.get(), "health");
		model.addAttribute("workerMetrics", this.properties.workerMetricsUri());
		return "admin/health";
	}

	@GetMapping(path = "/admin/health.json", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<Map<String, Object>> healthSamples(HttpServletRequest request) {
		if (signedIn(request).isEmpty()) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "sign in first"));
		}
		return ResponseEntity.ok(Map.of("samples", this.health.samples(), "inForceTimeoutMillis",
				this.inForceTimeout.toMillis()));
	}

	// ---- helpers

	private void page(Model model, ConsoleSignIn signIn, String section) {
		model.addAttribute("me", signIn);
		model.addAttribute("section", section);
		model.addAttribute("csrf", signIn.csrfToken());
	}

	private Flash revoked(long millis, GraphClient.Answer answer) {
		boolean inForce = answer.millis() < this.inForceTimeout.toMillis();
		return inForce
				? Flash.success("Sessions revoked. In force " + millis + " ms after your click: every refresh token and "
						+ "browser session issued before now is refused.", null).withRequestId(answer.requestId())
				: Flash.success("Sessions revoked (accepted and durable). The worker had not confirmed it in force after "
						+ millis + " ms; it will be shortly — see the health panel.", null)
					.withRequestId(answer.requestId());
	}

	private List<Map<String, String>> history(String userId) {
		Optional<Tenant> tenant = this.directory.tenant(this.properties.tenant());
		if (tenant.isEmpty()) {
			return List.of();
		}
		List<Map<String, String>> rows = new ArrayList<>();
		for (RevocationEvent event : this.history.recent(tenant.get().id(), userId)) {
			Actor actor = event.actor();
			String who;
			String app;
			if (actor.type() == Actor.Type.USER) {
				who = tenant.get().user(actor.id()).map((u) -> u.displayName() + " (" + u.userPrincipalName() + ")")
					.orElse(actor.id());
				app = "not in the event (a delegated call names the user)";
			}
			else {
				who = "application";
				app = tenant.get().application(actor.id()).map((a) -> a.displayName() + " (" + a.clientId() + ")")
					.orElse(actor.id());
			}
			Map<String, String> row = new LinkedHashMap<>();
			row.put("when", SHOWN.format(event.acceptedAt()));
			row.put("who", who);
			row.put("app", app);
			row.put("requestId", (event.requestId() != null) ? event.requestId() : "");
			row.put("clientRequestId", (event.clientRequestId() != null) ? event.clientRequestId() : "");
			rows.add(row);
		}
		return rows;
	}

	private List<Map<String, String>> describe(ConsoleSignIn signIn, List<String> ids) {
		List<Map<String, String>> targets = new ArrayList<>();
		for (String id : ids) {
			GraphClient.Answer answer = this.graph.get(signIn.accessToken(), "/users/" + GraphClient.segment(id)
					+ "?$select=" + GraphClient.query("id,displayName,userPrincipalName"));
			if (answer.ok()) {
				targets.add(Map.of("id", answer.body().path("id").asString(), "displayName",
						answer.body().path("displayName").asString(""), "userPrincipalName",
						answer.body().path("userPrincipalName").asString("")));
			}
		}
		return targets;
	}

	private static List<String> chosen(List<String> ids) {
		if (ids == null) {
			return List.of();
		}
		return new ArrayList<>(new LinkedHashSet<>(ids.stream().filter((id) -> !id.isBlank()).limit(MAX_BULK).toList()));
	}

	private String expired(HttpServletRequest request, GraphClient.Answer answer) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		request.getSession(true).setAttribute(FLASH, Flash.error("Your console session is no longer valid (Graph "
				+ "answered 401 " + answer.errorCode() + ": " + answer.errorMessage() + "). Sign in again.", null));
		return "redirect:/admin";
	}

	private String failedSignIn(HttpServletRequest request, String message) {
		request.getSession(true).setAttribute(FLASH, Flash.error(message, null));
		return "redirect:/admin";
	}

	private Optional<ConsoleSignIn> signedIn(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		ConsoleSignIn signIn = (session != null) ? (ConsoleSignIn) session.getAttribute(ConsoleSignIn.ATTRIBUTE) : null;
		if (signIn != null && signIn.expiresAt().isBefore(this.clock.instant())) {
			session.invalidate();
			return Optional.empty();
		}
		return Optional.ofNullable(signIn);
	}

	private static Flash takeFlash(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session == null) {
			return null;
		}
		Flash flash = (Flash) session.getAttribute(FLASH);
		session.removeAttribute(FLASH);
		return flash;
	}

	private String redirectUri(HttpServletRequest request) {
		if (!this.properties.redirectUri().isBlank()) {
			return this.properties.redirectUri();
		}
		return request.getScheme() + "://localhost:" + request.getServerPort() + "/admin/callback";
	}

	/**
	 * The demo client's redirect URI is {@code http://localhost} (any port): a console opened as 127.0.0.1 moves to
	 * localhost first, so that its session cookie comes back with the callback.
	 */
	private Optional<String> onLocalhost(HttpServletRequest request, String path) {
		if (!this.properties.redirectUri().isBlank() || "localhost".equalsIgnoreCase(request.getServerName())) {
			return Optional.empty();
		}
		return Optional.of(URI.create(request.getScheme() + "://localhost:" + request.getServerPort() + path).toString());
	}

	private static String shown(String isoInstant) {
		try {
			return SHOWN.format(Instant.parse(isoInstant));
		}
		catch (RuntimeException ex) {
			return isoInstant;
		}
	}

	/**
	 * A message shown once on the next page.
	 *
	 * @param kind success, error or info
	 * @param title the sentence
	 * @param detail an explanation (may be null)
	 * @param requestId Graph's request-id of the call (may be null)
	 * @param rows per-user results of a bulk revocation (may be null)
	 */
	record Flash(String kind, String title, String detail, String requestId, List<Map<String, String>> rows)
			implements Serializable {

		static final String ROLE_EXPLAINED = "Graph decides who may revoke whom: revoking another user's sessions needs "
				+ "a directory role that may act on that user's role (a Helpdesk Administrator may revoke users "
				+ "without an admin role, but not a Global, User or Authentication Administrator; a user without an "
				+ "admin role may revoke only their own sessions). The console has no powers of its own.";

		static Flash success(String title, List<Map<String, String>> rows) {
			return new Flash("success", title, null, null, rows);
		}

		static Flash error(String title, List<Map<String, String>> rows) {
			return new Flash("error", title, null, null, rows);
		}

		static Flash info(String title) {
			return new Flash("info", title, null, null, null);
		}

		static Flash refused(GraphClient.Answer answer, String what) {
			String title = "Graph refused to " + what + ": " + answer.status() + " " + answer.errorCode() + " — "
					+ answer.errorMessage();
			String detail = switch (answer.status()) {
				case 403 -> ROLE_EXPLAINED;
				case 404 -> "No such user in your tenant.";
				case 429 -> "Too many requests: Graph's rate limit. Try again in a few seconds.";
				case 503 -> "The pipeline could not accept the revocation now (Kafka did not acknowledge it); nothing "
						+ "was revoked. Try again shortly.";
				default -> null;
			};
			return new Flash("error", title, detail, answer.requestId(), null);
		}

		Flash withRequestId(String id) {
			return new Flash(this.kind, this.title, this.detail, id, this.rows);
		}
	}
}
