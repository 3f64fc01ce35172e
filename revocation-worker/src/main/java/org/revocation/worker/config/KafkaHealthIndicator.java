package org.revocation.worker.config;

import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Kafka reachable: the cluster answers a describe within two seconds. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator {

	private final Admin admin;

	KafkaHealthIndicator(Admin admin) {
		this.admin = admin;
	}

	@Override
	public Health health() {
		try {
			int brokers = this.admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes()
				.get(3, TimeUnit.SECONDS).size();
			return Health.up().withDetail("brokers", brokers).build();
		}
		catch (Exception ex) {
			return Health.down().withDetail("error", ex.getClass().getSimpleName()).build();
		}
	}
}
