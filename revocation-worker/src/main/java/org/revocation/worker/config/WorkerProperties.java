package org.revocation.worker.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker's settings, prefix {@code worker}.
 *
 * @param partitions partitions of the revocation topic (and its dead-letter topic) when the worker creates them. The
 * default is 12.
 * @param replicationFactor replication factor of created topics. The default is 1 (one broker).
 * @param minInsyncReplicas {@code min.insync.replicas} of created topics. The default is 1.
 * @param retentionMargin kept beyond the longest session lifetime, so a rebuild always finds every live cutoff. The
 * default is 7 days.
 * @param markerCheckInterval how often the view-complete marker is checked. The default is 1 second.
 */
@ConfigurationProperties("worker")
public record WorkerProperties(@DefaultValue("12") int partitions, @DefaultValue("1") short replicationFactor,
		@DefaultValue("1") int minInsyncReplicas, @DefaultValue("7d") Duration retentionMargin,
		@DefaultValue("1s") Duration markerCheckInterval) {
}
