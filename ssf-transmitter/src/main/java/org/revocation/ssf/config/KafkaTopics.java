package org.revocation.ssf.config;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The dead-letter topic of undeliverable SETs (created at start like the worker creates its topics; the local
 * brokers do not auto-create topics). The streams topic is created by {@code StreamStore}, which reads it at start.
 */
@Configuration(proxyBeanMethods = false)
class KafkaTopics {

	@Bean
	NewTopic ssfDeadLetterTopic(SsfProperties properties) {
		return TopicBuilder.name(properties.deadLetterTopic()).partitions(3).build();
	}
}
