package org.revocation.tokenchecker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import org.revocation.core.config.RevocationCoreConfiguration;
import org.revocation.core.web.HttpsConnectorConfiguration;

/** The token-checker: identity endpoints shaped like the Microsoft identity platform v2.0 that refuse revoked sessions. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ RevocationCoreConfiguration.class, HttpsConnectorConfiguration.class })
public class TokenCheckerApplication {

	public static void main(String[] args) {
		SpringApplication.run(TokenCheckerApplication.class, args);
	}
}
