package org.revocation.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;

/**
 * Refuses to start when the revocation topic keeps events for less than the longest session lifetime (plus the
 * allowance): a rebuild from such a topic could miss a cutoff that still revokes a live session. Runs in the first
 * lifecycle phase: after the topics were created, before any listener container starts consuming. On a Kafka cluster
 * ({@code TOPIC_REPLICATION_FACTOR} or {@code TOPIC_MIN_INSYNC_REPLICAS} above 1) also refuses a topic that
 * replicates less than configured.
 */
@Component
class RetentionCheck implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RetentionCheck.class);

	private final Admin admin;

	private final RevocationProperties properties;

	private final int replicationFactor;

	private final int minInsyncReplicas;

	private volatile boolean running;

	RetentionCheck(Admin admin, RevocationProperties properties) {
		this(admin, properties, new WorkerProperties(12, (short) 1, 1, Duration.ofDays(7), Duration.ofSeconds(1)));
	}

	@Autowired
	RetentionCheck(Admin admin, RevocationProperties properties, WorkerProperties worker) {
		this.admin = admin;
		this.properties = properties;
		this.replicationFactor = worker.replicationFactor();
		this.minInsyncReplicas = worker.minInsyncReplicas();
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
		if (this.replicationFactor > 1 || this.minInsyncReplicas > 1) {
			checkReplication(config);
		}
	}

	/**
	 * On a Kafka cluster: refuses a topic that replicates less than configured (for example one created earlier on a
	 * single broker: a broker's disk would then hold the only copy of accepted revocations), and warns about partitions
	 * whose in-sync replicas are below {@code min.insync.replicas} right now (the gateway then answers 503).
	 */
	private void checkReplication(Config config) throws InterruptedException, ExecutionException, TimeoutException {
		String name = this.properties.topic();
		ConfigEntry minIsr = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
		int topicMinIsr = (minIsr != null) ? Integer.parseInt(minIsr.value()) : 1;
		TopicDescription description = this.admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS)
			.get(name);
		for (TopicPartitionInfo partition : description.partitions()) {
			if (partition.replicas().size() < this.replicationFactor) {
				throw new IllegalStateException("topic " + name + " partition " + partition.partition() + " has "
						+ partition.replicas().size() + " replicas, fewer than TOPIC_REPLICATION_FACTOR="
						+ this.replicationFactor + ": reassign its partitions (kafka-reassign-partitions) or recreate it");
			}
			if (partition.isr().size() < topicMinIsr) {
				log.warn("topic {} partition {}: {} in-sync replicas, below min.insync.replicas={} (sends fail until a "
						+ "replica catches up)", name, partition.partition(), partition.isr().size(), topicMinIsr);
			}
		}
		if (topicMinIsr < this.minInsyncReplicas) {
			throw new IllegalStateException("topic " + name + " has min.insync.replicas=" + topicMinIsr
					+ ", below TOPIC_MIN_INSYNC_REPLICAS=" + this.minInsyncReplicas
					+ ": an acknowledged revocation could live on one broker only. Raise the topic's min.insync.replicas.");
		}
		log.info("topic {}: {} partitions, replication factor >= {}, min.insync.replicas={}", name,
				description.partitions().size(), this.replicationFactor, topicMinIsr);
	}
}
