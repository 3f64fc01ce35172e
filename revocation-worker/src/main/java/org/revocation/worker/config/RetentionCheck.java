package org.revocation.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;

/**
 * Refuses to start when the revocation topic keeps events for less than the longest session lifetime (plus the
 * allowance): a rebuild from such a topic could miss a cutoff that still revokes a live session.
 */
@Component
class RetentionCheck implements ApplicationRunner {

	private final Admin admin;

	private final RevocationProperties properties;

	RetentionCheck(Admin admin, RevocationProperties properties) {
		this.admin = admin;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, this.properties.topic());
		Config config = this.admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
		ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
		long retentionMs = (retention != null) ? Long.parseLong(retention.value()) : -1;
		Duration needed = this.properties.checkKeyLifetime();
		if (retentionMs >= 0 && retentionMs < needed.toMillis()) {
			throw new IllegalStateException("topic " + this.properties.topic() + " keeps events for "
					+ Duration.ofMillis(retentionMs) + ", shorter than the longest session lifetime plus the clock-skew "
					+ "allowance (" + needed + "): a rebuild could miss cutoffs that still revoke live sessions. Raise "
					+ "the topic's retention.ms or lower MAX_SESSION_LIFETIME.");
		}
	}
}
