package org.revocation.worker.apply;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import org.revocation.core.config.RevocationProperties;

/**
 * Sends records that are not valid revocation events to {@code <topic>-dlt}, same partition, with the reason and the
 * original coordinates in headers, and waits for the ack (so a poison record is never lost, only set aside).
 */
@Component
class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	static final String REASON = "revocation-dlt-reason";

	static final String ORIGINAL_TOPIC = "revocation-dlt-original-topic";

	static final String ORIGINAL_PARTITION = "revocation-dlt-original-partition";

	static final String ORIGINAL_OFFSET = "revocation-dlt-original-offset";

	private final KafkaTemplate<String, byte[]> kafka;

	private final String topic;

	private final Counter count;

	DeadLetters(KafkaTemplate<String, byte[]> kafka, RevocationProperties properties, MeterRegistry meters) {
		this.kafka = kafka;
		this.topic = properties.topic() + "-dlt";
		this.count = Counter.builder("revocation.events.dead.lettered")
			.description("records sent to the dead-letter topic")
			.register(meters);
	}

	void send(ConsumerRecord<String, byte[]> record, String reason) throws Exception {
		ProducerRecord<String, byte[]> dead = new ProducerRecord<>(this.topic, record.partition(), record.key(),
				record.value());
		dead.headers().add(REASON, reason.getBytes(StandardCharsets.UTF_8));
		dead.headers().add(ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
		dead.headers().add(ORIGINAL_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
		dead.headers().add(ORIGINAL_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
		this.kafka.send(dead).get(30, TimeUnit.SECONDS);
		this.count.increment();
		log.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
	}
}
