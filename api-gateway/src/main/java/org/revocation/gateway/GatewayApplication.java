package org.revocation.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import org.revocation.core.config.RevocationCoreConfiguration;
import org.revocation.core.web.HttpsConnectorConfiguration;

/** The api-gateway: Microsoft Graph's revokeSignInSessions surface, publishing one Kafka event per revocation. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ RevocationCoreConfiguration.class, HttpsConnectorConfiguration.class })
public class GatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatewayApplication.class, args);
	}
}
