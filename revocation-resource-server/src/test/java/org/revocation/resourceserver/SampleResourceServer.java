package org.revocation.resourceserver;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A stock resource server: nothing but Spring Boot's auto-configuration, this starter, and one endpoint. */
@SpringBootApplication
@RestController
public class SampleResourceServer {

	@GetMapping("/me")
	Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
		return Map.of("oid", jwt.getClaimAsString("oid"));
	}
}
