package org.revocation.worker.config;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.CommonErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaConfigurationTests {

	@Test
	void revocationErrorHandlerWhenRetrySucceededThenDoesNotCommitTheBatch() {
		// the container would otherwise commit a retried batch before its valid-from records are acknowledged
		CommonErrorHandler handler = new KafkaConfiguration().revocationErrorHandler();
		assertThat(handler.isAckAfterHandle()).isFalse();
	}
}
