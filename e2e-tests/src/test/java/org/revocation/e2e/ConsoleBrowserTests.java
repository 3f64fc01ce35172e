package org.revocation.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import org.revocation.core.testing.DemoTenant;
import org.revocation.localstack.LocalSystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The administrator's console in a real browser (headless Chromium + Selenium) against the real processes: sign-in
 * through the token-checker, search, revoke one user and see it in force (the old refresh token refused), a refusal
 * explained, the bulk revocation, the health panel, web hygiene, and axe-core's accessibility rules on every page.
 * Screenshots of each page go to {@code target/screenshots/}. Without Chromium and chromedriver the tests are skipped.
 */
class ConsoleBrowserTests {

	private static LocalSystem system;

	private ConsoleBrowser browser;

	@BeforeAll
	static void startSystem() {
		String unavailable = ConsoleBrowser.unavailable();
		Assumptions.assumeTrue(unavailable == null, () -> "browser tests skipped: " + unavailable);
		system = new LocalSystem().start();
	}

	@AfterAll
	static void stopSystem() {
		if (system != null) {
			system.close();
		}
	}

	@BeforeEach
	void openBrowser() {
		this.browser = new ConsoleBrowser();
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.close();
		}
	}

	@Test
	void revokeWhenAdministratorRevokesBobThenInForceAndBobsRefreshTokenIsRefused() {
		String bobRefresh = Clients.signIn(system, DemoTenant.BOB).text("refresh_token");
		assertThat(Clients.refresh(system, bobRefresh).status()).isEqualTo(200);

		this.browser.open(console());
		this.browser.screenshot("01-sign-in");
		this.browser.signIn(console(), DemoTenant.ADELE);
		this.browser.search("bob");
		List<WebElement> rows = this.browser.all("#results tbody tr");
		assertThat(rows).hasSize(1);
		assertThat(rows.get(0).getText()).contains("Bob Kelly", DemoTenant.BOB.upn());
		this.browser.screenshot("02-search");

		this.browser.click("#results tbody a");
		String validFromBefore = this.browser.find("#valid-from").getText();
		this.browser.click("#revoke");
		assertThat(this.browser.find("#targets").getText()).contains("Bob Kelly");
		this.browser.screenshot("03-confirm");
		this.browser.click("#confirm");

		WebElement flash = this.browser.find("#flash.success");
		assertThat(flash.getText()).startsWith("Sessions revoked");
		this.browser.screenshot("04-revoked");
		assertThat(this.browser.find("#valid-from").getText()).isNotEqualTo(validFromBefore);

		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			Http.Answer refused = Clients.refresh(system, bobRefresh);
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.text("error_description")).startsWith("AADSTS50173: ");
		});

		// the recent revocations come from the events on the topic: who, when, request id
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			this.browser.driver.navigate().refresh();
			assertThat(this.browser.find("main").getText()).contains("Adele Vance (" + DemoTenant.ADELE.upn() + ")");
		});
		assertThat(this.browser.find("#history tbody tr").getText()).contains("Adele Vance");
		this.browser.screenshot("05-user-page");
	}

	@Test
	void revokeWhenHelpdeskAdministratorTargetsAGlobalAdministratorThenGraphRefusalIsExplained() {
		this.browser.signIn(console(), DemoTenant.HENRY);
		this.browser.search("adele");
		this.browser.click("#results tbody a");
		this.browser.click("#revoke");
		this.browser.click("#confirm");

		WebElement flash = this.browser.find("#flash.error");
		assertThat(flash.getAttribute("role")).isEqualTo("alert");
		assertThat(flash.getText()).contains("403 Authorization_RequestDenied",
				"Insufficient privileges to complete the operation.", "Helpdesk Administrator");
		this.browser.screenshot("06-refused");
	}

	@Test
	void revokeWhenUserWithoutRoleTargetsAnotherUserThenGraphRefusalIsExplained() {
		this.browser.signIn(console(), DemoTenant.BOB);
		this.browser.search("carol");
		this.browser.click("#results tbody a");
		this.browser.click("#revoke");
		this.browser.click("#confirm");
		assertThat(this.browser.find("#flash.error").getText()).contains("403 Authorization_RequestDenied");
	}

	@Test
	void bulkRevokeWhenSeveralUsersSelectedThenEachIsRevokedWithOneCallPerUser() {
		String carolRefresh = Clients.signIn(system, DemoTenant.CAROL).text("refresh_token");
		String bobRefresh = Clients.signIn(system, DemoTenant.BOB).text("refresh_token");

		this.browser.signIn(console(), DemoTenant.MEGAN);
		this.browser.search("");
		for (WebElement row : this.browser.all("#results tbody tr")) {
			if (row.getText().contains(DemoTenant.CAROL.upn()) || row.getText().contains(DemoTenant.BOB.upn())) {
				row.findElement(org.openqa.selenium.By.cssSelector("input.select-user")).click();
			}
		}
		assertThat(this.browser.find("#selected-count").getText()).isEqualTo("2 users selected");
		this.browser.screenshot("07-bulk-select");
		this.browser.click("#revoke-selected");
		assertThat(this.browser.find("#targets").getText()).contains("Carol Smith", "Bob Kelly");
		this.browser.click("#confirm");

		assertThat(this.browser.find("#flash.success").getText()).startsWith("Revoked the sessions of 2 users");
		assertThat(this.browser.all("#bulk-results tbody tr.ok")).hasSize(2);
		this.browser.screenshot("08-bulk-result");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			assertThat(Clients.refresh(system, carolRefresh).status()).isEqualTo(400);
			assertThat(Clients.refresh(system, bobRefresh).status()).isEqualTo(400);
		});
	}

	@Test
	void healthPanelWhenOpenThenShowsTheWorkerAndDrawsTheChart() {
		String app = Clients.appToken(system);
		for (int i = 0; i < 3; i++) { // some propagation delays for the panel to show
			assertThat(Http.post(system.graph() + "/users/" + DemoTenant.CAROL.upn() + "/revokeSignInSessions", app)
				.status()).isEqualTo(200);
		}
		this.browser.signIn(console(), DemoTenant.ADELE);
		this.browser.click("a[href='/admin/health']");
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(this.browser.find("#worker-up").getText()).isEqualTo("answering");
			assertThat(this.browser.find("#p-start").getText()).matches("[0-9.]+ ms / [0-9.]+ ms");
		});
		assertThat(this.browser.find("#lag").getText()).matches("\\d+");
		assertThat(this.browser.all("#chart polyline, #chart line")).isNotEmpty();
		this.browser.screenshot("09-health");
	}

	@Test
	void consoleWhenSignedInThenTokensStayOnTheServerAndFormsNeedTheCsrfToken() throws Exception {
		HttpResponse<String> page = plainGet(console());
		String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
		assertThat(policy).contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
				"frame-ancestors 'none'");
		assertThat(page.body()).doesNotContain("<script>", "style=");

		this.browser.signIn(console(), DemoTenant.ADELE);
		Cookie session = this.browser.driver.manage().getCookieNamed("console_session");
		assertThat(session).isNotNull();
		assertThat(session.isHttpOnly()).isTrue();
		assertThat(session.getSameSite()).isEqualTo("Lax");
		JavascriptExecutor js = (JavascriptExecutor) this.browser.driver;
		assertThat(js.executeScript("return document.cookie")).asString().doesNotContain("console_session");
		assertThat(js.executeScript("return window.localStorage.length + window.sessionStorage.length")).isEqualTo(0L);
		assertThat(this.browser.driver.getPageSource()).doesNotContain("eyJ"); // no JWT in the page

		// a state change without the synchronizer token is refused, even with the session cookie
		HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest
			.newBuilder(URI.create(console() + "/users/" + DemoTenant.CAROL.id() + "/revoke"))
			.header("Cookie", "console_session=" + session.getValue())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("_csrf=forged"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(forged.statusCode()).isEqualTo(403);
		assertThat(forged.body()).contains("CSRF");
	}

	@Test
	void everyPageWhenCheckedWithAxeCoreThenNoSeriousOrCriticalViolations() {
		List<String> violations = new ArrayList<>();
		this.browser.open(console());
		violations.addAll(prefixed("sign-in", this.browser.seriousAccessibilityViolations()));
		this.browser.signIn(console(), DemoTenant.ADELE);
		this.browser.search("c");
		violations.addAll(prefixed("users", this.browser.seriousAccessibilityViolations()));
		this.browser.click("#results tbody a");
		this.browser.find("#valid-from");
		violations.addAll(prefixed("user", this.browser.seriousAccessibilityViolations()));
		this.browser.click("#revoke");
		this.browser.find("#confirm");
		violations.addAll(prefixed("confirm", this.browser.seriousAccessibilityViolations()));
		this.browser.open(console() + "/health");
		this.browser.find("#chart");
		violations.addAll(prefixed("health", this.browser.seriousAccessibilityViolations()));
		assertThat(violations).isEmpty();
	}

	private static List<String> prefixed(String page, List<String> violations) {
		return violations.stream().map((v) -> page + ": " + v).toList();
	}

	private static HttpResponse<String> plainGet(String url) throws Exception {
		return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** The console on localhost: the demo client's redirect URI is {@code http://localhost} on any port. */
	private static String console() {
		return "http://localhost:" + system.gatewayPort + "/admin";
	}
}
