package org.revocation.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Chromium from Debian's packages ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}) driven by
 * Selenium, with a throwaway profile. The driver is given explicitly, so Selenium Manager never looks for (or
 * downloads) anything. Also: axe-core from its webjar, injected into the page, and screenshots under
 * {@code target/screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));

	static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));

	static final Path SCREENSHOTS = Path.of("target/screenshots");

	static final Duration WAIT = Duration.ofSeconds(30);

	private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

	final WebDriver driver;

	private final Path profile;

	private final ChromeDriverService service;

	/** Why no browser can run here, or null when one can. */
	static String unavailable() {
		if (!Files.isExecutable(CHROMIUM)) {
			return "no Chromium at " + CHROMIUM + " (apt-get install chromium chromium-driver)";
		}
		if (!Files.isExecutable(CHROMEDRIVER)) {
			return "no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver)";
		}
		return null;
	}

	ConsoleBrowser() {
		try {
			this.profile = Files.createTempDirectory("console-chromium");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		this.service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,900", "--user-data-dir=" + this.profile);
		this.driver = new ChromeDriver(this.service, options);
		this.driver.manage().timeouts().scriptTimeout(WAIT);
		this.driver.manage().timeouts().pageLoadTimeout(WAIT);
	}

	void open(String url) {
		this.driver.get(url);
	}

	WebElement find(String css) {
		return new WebDriverWait(this.driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
	}

	List<WebElement> all(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	void click(String css) {
		new WebDriverWait(this.driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
	}

	/** Signs in to the console at {@code console} through the token-checker's sign-in page. */
	void signIn(String console, DemoTenant.User user) {
		open(console);
		click("#signin");
		find("#username").sendKeys(user.upn());
		find("#password").sendKeys(user.password());
		find("button[type=submit]").click();
		new WebDriverWait(this.driver, WAIT).until(ExpectedConditions.urlContains("/admin/users"));
		assertThat(find(".who").getText()).contains(user.upn());
	}

	void search(String text) {
		WebElement box = find("#q");
		box.clear();
		box.sendKeys(text);
		find("form.search button[type=submit]").click();
		new WebDriverWait(this.driver, WAIT).until(ExpectedConditions.urlContains("q="));
	}

	void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path shot = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE).toPath();
			Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** axe-core's violations of impact serious or critical on the current page, as "rule: help (n nodes)". */
	@SuppressWarnings("unchecked")
	List<String> seriousAccessibilityViolations() {
		JavascriptExecutor js = (JavascriptExecutor) this.driver;
		js.executeScript(axeSource());
		Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
				+ "axe.run(document, { resultTypes: ['violations'] })"
				+ ".then(function (r) { done(r.violations.map(function (v) {"
				+ "  return { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,"
				+ "           targets: v.nodes.map(function (n) { return n.target.join(' '); }).join(', ') }; })); })"
				+ ".catch(function (e) { done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: 0 }]); });");
		return ((List<Map<String, Object>>) result).stream()
			.filter((v) -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
			.map((v) -> v.get("id") + ": " + v.get("help") + " (" + v.get("nodes") + " nodes: " + v.get("targets") + ")")
			.toList();
	}

	private static String axeSource() {
		try (InputStream in = ConsoleBrowser.class.getClassLoader().getResourceAsStream(AXE)) {
			assertThat(in).as("axe-core webjar on the test classpath").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			this.service.stop();
			try (var paths = Files.walk(this.profile)) {
				paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
			catch (IOException ex) {
				// best effort: a temp directory
			}
		}
	}
}
