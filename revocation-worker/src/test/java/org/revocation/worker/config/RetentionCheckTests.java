package org.revocation.worker.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import org.revocation.core.config.RevocationProperties;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class RetentionCheckTests {

	private static final RevocationProperties PROPERTIES = new RevocationProperties(Duration.ofSeconds(1),
			Duration.ofDays(90), "revocation-events", "", "https://localhost:8443",
			new RevocationProperties.Redis("localhost", 6380, Duration.ofSeconds(2), "", Duration.ofMillis(500)));

	@Test
	void runWhenRetentionShorterThanSessionLifetimeThenRefusesToStart() {
		RetentionCheck check = new RetentionCheck(admin(Duration.ofDays(7).toMillis()), PROPERTIES);
		assertThatIllegalStateException().isThrownBy(() -> check.start())
			.withMessageContaining("topic revocation-events keeps events for PT168H")
			.withMessageContaining("Raise the topic's retention.ms");
	}

	@Test
	void runWhenRetentionLongEnoughOrInfiniteThenStarts() {
		assertThatCode(() -> new RetentionCheck(admin(Duration.ofDays(97).toMillis()), PROPERTIES).start())
			.doesNotThrowAnyException();
		assertThatCode(() -> new RetentionCheck(admin(-1), PROPERTIES).start()).doesNotThrowAnyException();
	}

	private static Admin admin(long retentionMs) {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "revocation-events");
		Config config = new Config(List.of(new ConfigEntry("retention.ms", Long.toString(retentionMs))));
		DescribeConfigsResult result = mock(DescribeConfigsResult.class);
		given(result.all()).willReturn(KafkaFuture.completedFuture(Map.of(topic, config)));
		Admin admin = mock(Admin.class);
		given(admin.describeConfigs(any())).willReturn(result);
		return admin;
	}
}
