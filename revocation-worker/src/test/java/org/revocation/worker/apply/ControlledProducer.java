package org.revocation.worker.apply;

import java.time.Duration;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's mock producer whose sends are acknowledged only when the test says so ({@link #ackAll}, or at once after
 * {@link #autoComplete}); the close KafkaTemplate calls after each send is ignored, as the real factory's producer does.
 */
final class ControlledProducer extends MockProducer<String, byte[]> {

	private volatile boolean autoComplete;

	ControlledProducer() {
		super(false, null, new StringSerializer(), new ByteArraySerializer());
	}

	void autoComplete() {
		this.autoComplete = true;
	}

	/** Acknowledges every send not acknowledged yet. */
	synchronized void ackAll() {
		while (completeNext()) {
			// next
		}
	}

	@Override
	public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
		Future<RecordMetadata> sent = super.send(record, callback);
		if (this.autoComplete) {
			completeNext();
		}
		return sent;
	}

	@Override
	public void close(Duration timeout) {
	}

	@Override
	public void close() {
	}
}
