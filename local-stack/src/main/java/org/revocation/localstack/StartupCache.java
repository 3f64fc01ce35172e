package org.revocation.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The start-up cache a service's build made next to its jar (root {@code pom.xml}, README "Start-up time"):
 * {@code target/aot/app/} holds the extracted jar, and {@code target/aot/<java.vm.version>.jsa} (CDS, JDK 17-24) or
 * {@code .aot} (AOT cache, JDK 25+) the classes of a training run. A cache is valid only for the JVM build that made
 * it and for the exact jars it saw, so it is used only when its name is this JVM's {@code java.vm.version} (the
 * services run on this JVM, {@link LocalKafka#java()}) and it is newer than the jar; otherwise the jar starts as
 * before. The system property {@value #PROPERTY} or the environment variable {@code SERVICE_AOT_CACHE} set to
 * {@code off} turns it off.
 */
final class StartupCache {

	static final String PROPERTY = "localstack.aot-cache";

	private StartupCache() {
	}

	/** The arguments after the JVM options that start {@code jar}: with its cache when there is a valid one. */
	static List<String> launchArguments(Path jar) {
		Path absolute = jar.toAbsolutePath().normalize();
		if (!enabled()) {
			return List.of("-jar", absolute.toString());
		}
		Path dir = absolute.resolveSibling("aot");
		Path app = dir.resolve("app").resolve(absolute.getFileName());
		String vm = System.getProperty("java.vm.version");
		for (String suffix : List.of(".aot", ".jsa")) {
			Path cache = dir.resolve(vm + suffix);
			if (Files.isRegularFile(app) && newer(cache, absolute)) {
				String option = suffix.equals(".aot") ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
				return List.of(option + cache, "-jar", app.toString());
			}
		}
		return List.of("-jar", absolute.toString());
	}

	private static boolean enabled() {
		String setting = System.getProperty(PROPERTY, System.getenv().getOrDefault("SERVICE_AOT_CACHE", "on"));
		return !"off".equalsIgnoreCase(setting.trim());
	}

	private static boolean newer(Path cache, Path jar) {
		try {
			return Files.isRegularFile(cache)
					&& Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
