package org.revocation.ssf.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import org.revocation.ssf.config.SsfProperties;
import org.revocation.ssf.stream.Stream;

/**
 * The dead-letter topic of SETs a stream could not take within the bound: key the stream id, value the SET as it
 * was sent, headers {@code ssf-dlt-reason}, {@code ssf-dlt-stream-id}, {@code ssf-dlt-tenant-id}, {@code ssf-dlt-jti}.
 */
@Component
class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaTemplate<String, String> template;

	private final String topic;

	private final Counter counter;

	DeadLetters(KafkaTemplate<String, String> template, SsfProperties properties, MeterRegistry meters) {
		this.template = template;
		this.topic = properties.deadLetterTopic();
		this.counter = Counter.builder("ssf_sets_dead_lettered_total")
			.description("SETs sent to the dead-letter topic")
			.register(meters);
	}

	/** True once the broker has the record; false (caller keeps the SET and retries) when it could not be written. */
	boolean publish(Stream stream, PendingSet set, String reason) {
		ProducerRecord<String, String> record = new ProducerRecord<>(this.topic, stream.streamId(), set.token());
		record.headers().add("ssf-dlt-reason", reason.getBytes(StandardCharsets.UTF_8));
		record.headers().add("ssf-dlt-stream-id", stream.streamId().getBytes(StandardCharsets.UTF_8));
		record.headers().add("ssf-dlt-tenant-id", stream.tenantId().getBytes(StandardCharsets.UTF_8));
		record.headers().add("ssf-dlt-jti", set.jti().getBytes(StandardCharsets.UTF_8));
		try {
			this.template.send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			this.counter.increment();
			log.warn("SET dead-lettered stream={} tenant={} jti={} reason={}", stream.streamId(), stream.tenantId(),
					set.jti(), reason);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			log.warn("cannot write SET {} of stream {} to {}: {}", set.jti(), stream.streamId(), this.topic,
					ex.toString());
			return false;
		}
	}
}
