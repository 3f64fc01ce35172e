package org.revocation.e2e.resourceserver;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A resource server as an application team would write it: {@code spring-boot-starter-oauth2-resource-server} with
 * {@code issuer-uri}, plus {@code revocation-resource-server} and its bootstrap servers. No security configuration of
 * its own: the JwtDecoder and the filter chain are Spring Boot's.
 */
@SpringBootApplication
@RestController
public class SampleResourceServerApplication {

	@GetMapping("/me")
	Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
		return Map.of("sub", jwt.getSubject(), "oid", String.valueOf(jwt.getClaimAsString("oid")));
	}
}
