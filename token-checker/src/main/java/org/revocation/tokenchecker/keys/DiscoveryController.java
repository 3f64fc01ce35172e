package org.revocation.tokenchecker.keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.directory.Directory;
import org.revocation.core.directory.Tenant;
import org.revocation.tokenchecker.token.TenantNotFoundException;

/**
 * Discovery: the OpenID configuration per tenant (by id or domain; it always names the tenant-id issuer, equal to
 * every token's {@code iss}), the published keys, and MSAL4J's user-realm lookup.
 */
@RestController
class DiscoveryController {

	private static final MediaType JSON_UTF8 = MediaType.parseMediaType("application/json; charset=utf-8");

	private final Directory directory;

	private final RevocationProperties revocation;

	private final SigningKeys signingKeys;

	DiscoveryController(Directory directory, RevocationProperties revocation, SigningKeys signingKeys) {
		this.directory = directory;
		this.revocation = revocation;
		this.signingKeys = signingKeys;
	}

	@GetMapping("/{tenant}/v2.0/.well-known/openid-configuration")
	ResponseEntity<Map<String, Object>> openidConfiguration(@PathVariable String tenant) {
		Tenant t = this.directory.tenant(tenant).orElseThrow(() -> new TenantNotFoundException(tenant));
		String base = this.revocation.issuerBaseUrl() + "/" + t.id();
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("token_endpoint", base + "/oauth2/v2.0/token");
		doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "client_secret_basic"));
		doc.put("jwks_uri", base + "/discovery/v2.0/keys");
		doc.put("response_modes_supported", List.of("query", "fragment", "form_post"));
		doc.put("subject_types_supported", List.of("pairwise"));
		doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
		doc.put("response_types_supported", List.of("code"));
		doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
		doc.put("issuer", this.revocation.issuer(t.id()));
		doc.put("request_uri_parameter_supported", false);
		doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
		doc.put("introspection_endpoint", base + "/oauth2/v2.0/introspect");
		doc.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
		doc.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
		doc.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials", "password"));
		doc.put("code_challenge_methods_supported", List.of("S256"));
		doc.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "preferred_username",
				"name", "tid", "ver", "oid", "sid"));
		doc.put("tenant_region_scope", null);
		doc.put("cloud_instance_name", "localhost");
		doc.put("cloud_graph_host_name", "graph.windows.net");
		doc.put("msgraph_host", "graph.microsoft.com");
		return ResponseEntity.ok().contentType(JSON_UTF8).body(doc);
	}

	@GetMapping("/{tenant}/discovery/v2.0/keys")
	ResponseEntity<Map<String, Object>> keys(@PathVariable String tenant) {
		if (!"common".equalsIgnoreCase(tenant) && !"organizations".equalsIgnoreCase(tenant)
				&& this.directory.tenant(tenant).isEmpty()) {
			throw new TenantNotFoundException(tenant);
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(JSON_UTF8)
			.body(this.signingKeys.publicKeys().toJSONObject(true));
	}

	/** MSAL4J asks this before the password grant; every user here is a managed (cloud) account. */
	@GetMapping("/common/userrealm/{upn}")
	ResponseEntity<Map<String, Object>> userRealm(@PathVariable String upn) {
		Map<String, Object> realm = new LinkedHashMap<>();
		realm.put("ver", "1.0");
		realm.put("account_type", "Managed");
		realm.put("domain_name", this.directory.tenantOfUpn(upn).map((t) -> t.domains().isEmpty() ? t.id() : t.domains().get(0))
			.orElse(upn.contains("@") ? upn.substring(upn.lastIndexOf('@') + 1) : upn));
		realm.put("cloud_instance_name", "localhost");
		realm.put("cloud_audience_urn", "urn:federation:MicrosoftOnline");
		return ResponseEntity.ok().contentType(JSON_UTF8).body(realm);
	}
}
