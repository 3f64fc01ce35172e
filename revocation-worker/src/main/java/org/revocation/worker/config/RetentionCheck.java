package org.revocation.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;

/**
 * Refuses to start when the revocation topic keeps events for less than the longest session lifetime (plus the
 * allowance): a rebuild from such a topic could miss a cutoff that still revokes a live session. Runs in the first
 * lifecycle phase: after the topics were created, before any listener container starts consuming.
 */
@Component
class RetentionCheck implements SmartLifecycle {

	private final Admin admin;

	private final RevocationProperties properties;

	private volatile boolean running;

	RetentionCheck(Admin admin, RevocationProperties properties) {
		this.admin = admin;
		this.properties = properties;
	}

	@Override
	public void start() {
		try {
			check();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the retention of " + this.properties.topic(), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("cannot read the retention of topic " + this.properties.topic() + ": " + ex,
					ex);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MIN_VALUE; // before the listener containers (Integer.MAX_VALUE - 100)
	}

	void check() throws InterruptedException, ExecutionException, TimeoutException {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, this.properties.topic());
		Config config = this.admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
		ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
		long retentionMs = (retention != null) ? Long.parseLong(retention.value()) : -1;
		Duration needed = this.properties.cutoffLifetime();
		if (retentionMs >= 0 && retentionMs < needed.toMillis()) {
			throw new IllegalStateException("topic " + this.properties.topic() + " keeps events for "
					+ Duration.ofMillis(retentionMs) + ", shorter than the longest session lifetime plus the clock-skew "
					+ "allowance (" + needed + "): a rebuild could miss cutoffs that still revoke live sessions. Raise "
					+ "the topic's retention.ms or lower MAX_SESSION_LIFETIME.");
		}
	}
}
