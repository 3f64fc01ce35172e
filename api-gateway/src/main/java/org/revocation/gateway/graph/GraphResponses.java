package org.revocation.gateway.graph;

import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Successful Graph answers: OData JSON and the headers of graph-contract.md section 2.4. */
public final class GraphResponses {

	public static final MediaType ODATA_JSON = MediaType.parseMediaType(
			"application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");

	private static final Set<String> VERSIONS = Set.of("v1.0", "beta");

	private GraphResponses() {
	}

	public static ResponseEntity<Map<String, Object>> ok(Map<String, Object> body) {
		return ResponseEntity.ok()
			.contentType(ODATA_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.header("OData-Version", "4.0")
			.header("x-ms-resource-unit", "1")
			.body(body);
	}

	public static void checkVersion(String version) {
		if (!VERSIONS.contains(version)) {
			throw GraphException.badRequest("Invalid version: " + version);
		}
	}
}
