package org.revocation.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The throughput load generator: <a href="https://github.com/wg/wrk">wrk</a> (Debian package {@code wrk}), a separate
 * native process that takes far less CPU per request than a Java client on the same 2 cores (PERFORMANCE.md). Each
 * run is bounded in time, uses two threads, and sends only to 127.0.0.1; a small Lua script cycles through the
 * prepared requests (one per session or user), so that every connection sends real, distinct work.
 */
final class Wrk {

	/** One kind of request: method, URLs and bodies (cycled together), headers. */
	record Call(String method, List<String> urls, Map<String, String> headers, List<String> bodies) {

		Call {
			if (urls.isEmpty()) {
				throw new IllegalArgumentException("a call needs a URL");
			}
			urls.forEach((url) -> {
				if (!"127.0.0.1".equals(URI.create(url).getHost())) {
					throw new IllegalArgumentException("load goes to 127.0.0.1 only: " + url);
				}
			});
		}

		static Call form(String url, Map<String, String> headers, List<String> bodies) {
			Map<String, String> all = new java.util.LinkedHashMap<>(headers);
			all.put("Content-Type", "application/x-www-form-urlencoded");
			return new Call("POST", List.of(url), all, bodies);
		}
	}

	/** What wrk printed: successful (2xx) answers per second, errors, and latency percentiles. */
	record Outcome(double okPerSecond, long requests, long non2xx, long socketErrors, double p50Millis,
			double p99Millis) {
	}

	private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");

	private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

	private static final Pattern SOCKET = Pattern
		.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

	private Wrk() {
	}

	static boolean available() {
		return !"none".equals(version());
	}

	/** "wrk 4.1.0", or "none". */
	static String version() {
		try {
			Process process = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(10, TimeUnit.SECONDS);
			Matcher matcher = Pattern.compile("wrk [^ ]*[0-9][^ ]*").matcher(output);
			return matcher.find() ? matcher.group() : "wrk";
		}
		catch (IOException ex) {
			return "none";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "none";
		}
	}

	static Outcome run(Call call, int connections, Duration duration, Path work) throws Exception {
		URI first = URI.create(call.urls().get(0));
		Path script = Files.createTempFile(work, "wrk-", ".lua");
		Files.writeString(script, lua(call), StandardCharsets.UTF_8);
		List<String> command = List.of("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
				"--timeout", "10s", "--latency", "-s", script.toString(),
				first.getScheme() + "://" + first.getHost() + ":" + first.getPort());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("wrk did not stop");
		}
		return parse(output);
	}

	static Outcome parse(String output) {
		Matcher requests = REQUESTS.matcher(output);
		if (!requests.find()) {
			throw new IllegalStateException("unexpected wrk output:\n" + output);
		}
		long total = Long.parseLong(requests.group(1));
		double seconds = seconds(Double.parseDouble(requests.group(2)), requests.group(3));
		Matcher non2xx = NON_2XX.matcher(output);
		long failed = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
		Matcher socket = SOCKET.matcher(output);
		long errors = 0;
		if (socket.find()) {
			for (int i = 1; i <= 4; i++) {
				errors += Long.parseLong(socket.group(i));
			}
		}
		return new Outcome((total - failed) / seconds, total, failed, errors, percentile(output, "50%"),
				percentile(output, "99%"));
	}

	private static double percentile(String output, String which) {
		Matcher matcher = Pattern.compile("^\\s*" + Pattern.quote(which) + "\\s+([\\d.]+)(us|ms|s|m)\\s*$",
				Pattern.MULTILINE).matcher(output);
		return matcher.find() ? seconds(Double.parseDouble(matcher.group(1)), matcher.group(2)) * 1000 : Double.NaN;
	}

	private static double seconds(double value, String unit) {
		return switch (unit) {
			case "us" -> value / 1e6;
			case "ms" -> value / 1e3;
			case "m" -> value * 60;
			default -> value;
		};
	}

	/** A script that cycles through the requests; every value goes into a Lua long string, never interpreted. */
	static String lua(Call call) {
		int count = Math.max(call.urls().size(), call.bodies().size());
		StringBuilder lua = new StringBuilder("local headers = {}\n");
		// "headers[ [==[" with a space: "[[" would open a long string
		call.headers().forEach((name, value) -> lua.append("headers[ ").append(quote(name)).append(" ] = ")
			.append(quote(value)).append('\n'));
		lua.append("local calls = {\n");
		List<String> paths = new ArrayList<>();
		for (String url : call.urls()) {
			URI uri = URI.create(url);
			paths.add(uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
		}
		for (int i = 0; i < count; i++) {
			String body = call.bodies().isEmpty() ? null : call.bodies().get(i % call.bodies().size());
			lua.append("  { ").append(quote(paths.get(i % paths.size()))).append(", ")
				.append((body != null) ? quote(body) : "nil").append(" },\n");
		}
		lua.append("}\n");
		lua.append("local n = 0\n");
		lua.append("init = function(args) n = math.random(#calls) end\n");
		lua.append("request = function()\n  n = n % #calls + 1\n  local c = calls[n]\n  return wrk.format(")
			.append(quote(call.method())).append(", c[1], headers, c[2])\nend\n");
		return lua.toString();
	}

	private static String quote(String value) {
		if (value.contains("]==]")) {
			throw new IllegalArgumentException("value not quotable for Lua");
		}
		return "[==[" + value + "]==]";
	}
}
