package org.revocation.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's walkthrough, extracted from README.md itself (so it cannot drift) and run with bash against a running
 * system: only the base URLs and the certificate's path are replaced by that system's.
 */
final class ReadmeWalkthrough {

	private ReadmeWalkthrough() {
	}

	static boolean runnable() {
		return onPath("curl") && onPath("bash") && onPath("sed");
	}

	/**
	 * Runs it and checks what the README says it prints: the refresh works, the revocation answers 200, the same
	 * refresh is refused with AADSTS50173.
	 * @param root the repository root (README.md)
	 * @param gateway the gateway's http base URL, in place of {@code http://localhost:8080}
	 * @param tokenCheckerHttps the token-checker's https base URL, in place of {@code https://localhost:8443}
	 * @param caPem the certificate curl trusts, in place of {@code .local/tls/ca.pem}
	 */
	static String run(Path root, String gateway, String tokenCheckerHttps, Path caPem)
			throws IOException, InterruptedException {
		String readme = Files.readString(root.resolve("README.md"));
		int section = readme.indexOf("## Walkthrough");
		int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
		String script = readme.substring(start, readme.indexOf("```", start))
			.replace("https://localhost:8443", tokenCheckerHttps)
			.replace("http://localhost:8080", gateway)
			.replace(".local/tls/ca.pem", caPem.toString());
		Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
		String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
		System.out.println("README walkthrough output:\n" + output);
		assertThat(output).contains("refresh: 200")
			.contains("{\"@odata.context\":\"" + gateway + "/v1.0/$metadata#Edm.Boolean\",\"value\":true}")
			.contains("\"error\":\"invalid_grant\"", "AADSTS50173: ", "\"suberror\":\"bad_token\"");
		return output;
	}

	private static boolean onPath(String command) {
		return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, command)));
	}
}
