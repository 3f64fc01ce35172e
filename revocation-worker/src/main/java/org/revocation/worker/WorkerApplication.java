package org.revocation.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

import org.revocation.core.config.RevocationCoreConfiguration;

/** The revocation-worker: the only writer of cutoffs, from the Kafka log into Redis. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(RevocationCoreConfiguration.class)
public class WorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(WorkerApplication.class, args);
	}
}
