package org.revocation.core.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationEventCodecTests {

	private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123Z");

	@Test
	void decodeWhenEncodedThenSameEvent() {
		RevocationEvent event = RevocationEvent.accepted(DemoTenant.CONTOSO, DemoTenant.BOB.id(), T0,
				Actor.application(DemoTenant.REVOCATION_DAEMON.clientId()), "req-1", "client-1");
		assertThat(RevocationEventCodec.decode(RevocationEventCodec.encode(event))).isEqualTo(event);
	}

	@Test
	void encodeThenVersionedJsonWithEpochMillis() {
		RevocationEvent event = RevocationEvent.accepted(DemoTenant.CONTOSO, DemoTenant.BOB.id(), T0,
				Actor.user(DemoTenant.ADELE.id()), "req-1", "client-1");
		String json = new String(RevocationEventCodec.encode(event), StandardCharsets.UTF_8);
		assertThat(json).contains("\"schemaVersion\":2").contains("\"validFrom\":" + T0.toEpochMilli())
			.contains("\"actor\":{\"type\":\"user\",\"id\":\"" + DemoTenant.ADELE.id() + "\"}");
		assertThat(event.key()).isEqualTo(DemoTenant.CONTOSO + "/" + DemoTenant.BOB.id());
	}

	@Test
	void decodeWhenPreviousVersionThenAcceptedAtIsTheCutoff() {
		String v1 = "{\"schemaVersion\":1,\"eventId\":\"e-1\",\"tenantId\":\"" + DemoTenant.CONTOSO + "\",\"userId\":\""
				+ DemoTenant.BOB.id() + "\",\"validFrom\":" + T0.toEpochMilli()
				+ ",\"actor\":{\"type\":\"application\",\"id\":\"app\"},\"requestId\":\"r\"}";
		RevocationEvent event = RevocationEventCodec.decode(v1.getBytes(StandardCharsets.UTF_8));
		assertThat(event.schemaVersion()).isEqualTo(1);
		assertThat(event.validFrom()).isEqualTo(T0);
		assertThat(event.acceptedAt()).isEqualTo(T0);
		assertThat(event.clientRequestId()).isNull();
	}

	@Test
	void decodeWhenCurrentVersionWithoutAcceptedAtThenInvalid() {
		assertInvalid("{\"schemaVersion\":2,\"eventId\":\"e\",\"tenantId\":\"" + DemoTenant.CONTOSO + "\",\"userId\":\""
				+ DemoTenant.BOB.id() + "\",\"validFrom\":1,\"actor\":{\"type\":\"user\",\"id\":\"a\"}}",
				"acceptedAt missing");
	}

	@Test
	void decodeWhenNotJsonThenInvalid() {
		assertInvalid("not json at all", "not JSON");
	}

	@Test
	void decodeWhenWrongShapeThenInvalid() {
		assertInvalid("[1,2,3]", "not a JSON object");
		assertInvalid("{\"schemaVersion\":1}", "actor missing");
	}

	@Test
	void decodeWhenUnknownVersionThenInvalidWithReason() {
		assertInvalid("{\"schemaVersion\":3}", "unsupported schemaVersion 3 (this worker reads [1, 2])");
		assertInvalid("{\"schemaVersion\":99}", "unsupported schemaVersion 99");
	}

	@Test
	void decodeWhenIdsAreNotGuidsThenInvalid() {
		assertInvalid("{\"schemaVersion\":1,\"eventId\":\"e\",\"tenantId\":\"../x\",\"userId\":\"u\",\"validFrom\":1,"
				+ "\"acceptedAt\":1,\"actor\":{\"type\":\"user\",\"id\":\"a\"}}", "tenantId is not a GUID");
	}

	@Test
	void decodeWhenTooLargeThenInvalid() {
		byte[] huge = new byte[RevocationEventCodec.MAX_RECORD_BYTES + 1];
		assertThatThrownBy(() -> RevocationEventCodec.decode(huge)).isInstanceOf(InvalidRevocationEventException.class)
			.hasMessageContaining("exceeds");
	}

	private static void assertInvalid(String value, String reason) {
		assertThatThrownBy(() -> RevocationEventCodec.decode(value.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(InvalidRevocationEventException.class)
			.hasMessageContaining(reason);
	}
}
