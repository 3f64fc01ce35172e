package org.revocation.ssf.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.core.directory.Directory;
import org.revocation.ssf.auth.SsfException;
import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.set.SetSigner;

/**
 * Transmitter configuration metadata (SSF 1.0 section 7): one issuer per tenant, {@code <base>/<tenant id>}, so the
 * metadata sits at {@code <base>/.well-known/ssf-configuration/<tenant id>} ("/.well-known/ssf-configuration"
 * inserted between the host and the issuer's path), and the signing keys at {@code <issuer>/ssf/jwks}.
 */
@RestController
class MetadataController {

	private final SsfProperties properties;

	private final Directory directory;

	private final SetSigner signer;

	MetadataController(SsfProperties properties, Directory directory, SetSigner signer) {
		this.properties = properties;
		this.directory = directory;
		this.signer = signer;
	}

	@GetMapping("/.well-known/ssf-configuration/{tenant}")
	ResponseEntity<Map<String, Object>> configuration(@PathVariable String tenant) {
		String issuer = this.properties.issuer(tenantId(tenant));
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("spec_version", "1_0");
		metadata.put("issuer", issuer);
		metadata.put("jwks_uri", issuer + "/ssf/jwks");
		metadata.put("delivery_methods_supported", List.of("urn:ietf:rfc:8935", "urn:ietf:rfc:8936"));
		metadata.put("configuration_endpoint", issuer + "/ssf/streams");
		metadata.put("status_endpoint", issuer + "/ssf/status");
		metadata.put("add_subject_endpoint", issuer + "/ssf/subjects/add");
		metadata.put("remove_subject_endpoint", issuer + "/ssf/subjects/remove");
		metadata.put("verification_endpoint", issuer + "/ssf/verify");
		metadata.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
		metadata.put("default_subjects", "ALL");
		return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(metadata);
	}

	@GetMapping("/{tenant}/ssf/jwks")
	ResponseEntity<Map<String, Object>> jwks(@PathVariable String tenant) {
		tenantId(tenant);
		return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(this.signer.publicJwks());
	}

	/** Only the tenant id names an issuer (not a domain): the issuer is compared character for character. */
	private String tenantId(String tenant) {
		return this.directory.tenant(tenant)
			.filter((t) -> t.id().equals(tenant))
			.orElseThrow(() -> SsfException.notFound("No transmitter issuer for " + tenant + "."))
			.id();
	}
}
