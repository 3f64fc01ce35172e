package org.revocation.core.directory;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import org.revocation.core.testing.DemoTenant;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryTests {

	private final Directory directory = Directory.demo();

	@Test
	void tenantWhenIdOrDomainThenFound() {
		assertThat(this.directory.tenant(DemoTenant.CONTOSO)).get().extracting(Tenant::displayName).isEqualTo("Contoso");
		assertThat(this.directory.tenant("CONTOSO.test")).get().extracting(Tenant::id).isEqualTo(DemoTenant.CONTOSO);
		assertThat(this.directory.tenant("nowhere.test")).isEmpty();
	}

	@Test
	void userWhenUpnInAnyCaseThenFound() {
		Tenant contoso = this.directory.tenant(DemoTenant.CONTOSO).orElseThrow();
		assertThat(contoso.user("Bob@Contoso.TEST")).get().extracting(DirectoryUser::id).isEqualTo(DemoTenant.BOB.id());
		assertThat(contoso.user(DemoTenant.BOB.id().toUpperCase())).isPresent();
		assertThat(contoso.user(DemoTenant.FRANK.id())).isEmpty();
		assertThat(contoso.user("bob@contoso.test").orElseThrow().createdDateTime())
			.isEqualTo(Instant.parse("2024-02-01T10:00:00Z"));
	}

	@Test
	void demoPasswordsAndSecretsWhenCheckedThenTheDemoValuesVerify() {
		PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		Tenant contoso = this.directory.tenant(DemoTenant.CONTOSO).orElseThrow();
		assertThat(encoder.matches(DemoTenant.BOB.password(), contoso.user(DemoTenant.BOB.id()).orElseThrow().passwordHash()))
			.isTrue();
		Application daemon = contoso.application(DemoTenant.REVOCATION_DAEMON.clientId()).orElseThrow();
		assertThat(daemon.secretMatches(DemoTenant.REVOCATION_DAEMON.secret())).isTrue();
		assertThat(daemon.secretMatches("wrong")).isFalse();
		assertThat(contoso.application(DemoTenant.CONTOSO_CLI.clientId()).orElseThrow().isPublicClient()).isTrue();
	}

	@Test
	void tenantOfUpnThenDomainTenant() {
		assertThat(this.directory.tenantOfUpn("fiona@fabrikam.test")).get().extracting(Tenant::id)
			.isEqualTo(DemoTenant.FABRIKAM);
	}
}
