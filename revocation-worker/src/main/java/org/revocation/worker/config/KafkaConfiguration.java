package org.revocation.worker.config;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.event.AppliedOffsets;
import org.revocation.worker.apply.ValidFromLog;

/** Topics the worker creates when missing, and the error handling that never skips a revocation. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	@Bean
	NewTopic revocationTopic(RevocationProperties revocation, WorkerProperties worker) {
		long retention = revocation.maxSessionLifetime().plus(revocation.clockSkewAllowance())
			.plus(worker.retentionMargin()).toMillis();
		return TopicBuilder.name(revocation.topic())
			.partitions(worker.partitions())
			.replicas(worker.replicationFactor())
			.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention),
					TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(worker.minInsyncReplicas())))
			.build();
	}

	/** Each user's latest cutoff for ever: compacted, never deleted by time (DESIGN.md section 3.4). */
	@Bean
	NewTopic validFromTopic(RevocationProperties revocation, WorkerProperties worker) {
		return TopicBuilder.name(ValidFromLog.topicOf(revocation))
			.partitions(worker.partitions())
			.replicas(worker.replicationFactor())
			.compact()
			.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(worker.minInsyncReplicas())))
			.build();
	}

	/**
	 * The worker's announcements of applied offsets to the gateways (issue 17, {@code AppliedOffsets}): one partition
	 * so a gateway reads every announcement from one place, kept an hour (a gateway reads from the end).
	 */
	@Bean
	NewTopic appliedTopic(RevocationProperties revocation, WorkerProperties worker) {
		return TopicBuilder.name(AppliedOffsets.topicOf(revocation.topic()))
			.partitions(1)
			.replicas(worker.replicationFactor())
			.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
					TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(worker.minInsyncReplicas())))
			.build();
	}

	@Bean
	NewTopic deadLetterTopic(RevocationProperties revocation, WorkerProperties worker) {
		// same partition numbers as the source topic, so it needs at least as many partitions
		return TopicBuilder.name(revocation.topic() + "-dlt")
			.partitions(worker.partitions())
			.replicas(worker.replicationFactor())
			.build();
	}

	@Bean(destroyMethod = "close")
	Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
		return Admin.create(kafkaAdmin.getConfigurationProperties());
	}

	/**
	 * Redis down, the view being rebuilt, or any other failure to apply a batch: retry the whole batch with back-off
	 * (100 ms doubling up to 1 s) for as long as it lasts, never skip, never commit past an unapplied event. Poison
	 * records never reach here: the listener reads values as bytes (nothing can fail in deserialization) and
	 * dead-letters what {@code RevocationEventCodec} refuses itself, with the reason. A batch whose retry succeeded is
	 * not acknowledged by the handler ({@code ackAfterHandle} off): like every batch, it is committed by the worker's
	 * {@code OffsetCommitter} once its valid-from records are acknowledged, not as soon as the listener returns.
	 */
	@Bean
	CommonErrorHandler revocationErrorHandler() {
		ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
		backOff.setMaxInterval(1_000);
		backOff.setMaxElapsedTime(Long.MAX_VALUE);
		DefaultErrorHandler handler = new DefaultErrorHandler(backOff);
		handler.setAckAfterHandle(false);
		return handler;
	}
}
