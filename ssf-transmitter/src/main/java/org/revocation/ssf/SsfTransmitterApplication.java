package org.revocation.ssf;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

import org.revocation.core.config.RevocationCoreConfiguration;

/**
 * The SSF transmitter: reads the revocation events in its own consumer group and sends each one as a CAEP
 * {@code session-revoked} Security Event Token to the Shared Signals streams of the user's tenant.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(RevocationCoreConfiguration.class)
public class SsfTransmitterApplication {

	public static void main(String[] args) {
		SpringApplication.run(SsfTransmitterApplication.class, args);
	}
}
