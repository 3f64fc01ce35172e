package org.revocation.e2e;

import java.util.Map;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/**
 * Testcontainers' image substitution, configured in {@code testcontainers.properties}: the tests name the official
 * images ({@code apache/kafka}, {@code redis}, {@code eclipse-temurin}). Where the engine has the official image, or
 * lacks the offline one, the official one is used (and pulled from a registry when missing); where it has only the
 * image {@code containers/build-images.sh} built from Debian's packages and Maven Central (no registry needed), that
 * one is. Nothing else in the tests looks images up.
 */
public class LocalImageSubstitutor extends ImageNameSubstitutor {

	/** Official repository → the offline build's image (containers/build-images.sh), a drop-in for it. */
	static final Map<String, String> OFFLINE = Map.of("apache/kafka", "revocation/kafka:4.2.1", "redis",
			"revocation/redis:7", "eclipse-temurin", "revocation/base:bookworm");

	@Override
	public DockerImageName apply(DockerImageName original) {
		String offline = OFFLINE.get(original.getRepository());
		if (offline == null || present(original.asCanonicalNameString()) || !present(offline)) {
			return original;
		}
		return DockerImageName.parse(offline).asCompatibleSubstituteFor(original);
	}

	@Override
	protected String getDescription() {
		return "official image where the engine has it, else the offline build of containers/build-images.sh";
	}

	static boolean present(String image) {
		try {
			DockerClientFactory.lazyClient().inspectImageCmd(image).exec();
			return true;
		}
		catch (NotFoundException ex) {
			return false;
		}
	}
}
