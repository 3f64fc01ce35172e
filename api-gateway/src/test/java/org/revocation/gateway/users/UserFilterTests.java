package org.revocation.gateway.users;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.revocation.core.directory.Directory;
import org.revocation.core.directory.DirectoryUser;
import org.revocation.core.testing.DemoTenant;
import org.revocation.gateway.graph.GraphException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UserFilterTests {

	private final List<DirectoryUser> contoso = Directory.demo().tenant(DemoTenant.CONTOSO).orElseThrow().users();

	@Test
	void parseWhenDisplayNameOrUpnPrefixThenMatchesCaseInsensitively() {
		List<String> matched = this.contoso.stream()
			.filter(UserFilter.parse("startswith(displayName,'BO') or startswith(userPrincipalName,'bo')"))
			.map(DirectoryUser::userPrincipalName)
			.toList();
		assertThat(matched).containsExactly(DemoTenant.BOB.upn());
	}

	@Test
	void parseWhenUpnPrefixMatchesSeveralThenKeepsEach() {
		assertThat(this.contoso.stream().filter(UserFilter.parse("startswith(userPrincipalName,'')")))
			.hasSameSizeAs(this.contoso);
		assertThat(this.contoso.stream().filter(UserFilter.parse("startsWith( surname , 'Vance' )")))
			.extracting(DirectoryUser::userPrincipalName)
			.containsExactly(DemoTenant.ADELE.upn());
	}

	@Test
	void parseWhenQuoteDoubledThenMatchesALiteralQuote() {
		assertThat(this.contoso.stream().filter(UserFilter.parse("startswith(displayName,'O''Brien')"))).isEmpty();
	}

	@Test
	void parseWhenBlankThenKeepsEveryone() {
		assertThat(this.contoso.stream().filter(UserFilter.parse(null))).hasSameSizeAs(this.contoso);
		assertThat(this.contoso.stream().filter(UserFilter.parse(" "))).hasSameSizeAs(this.contoso);
	}

	@Test
	void parseWhenUnsupportedThenGraphBadRequest() {
		assertThatExceptionOfType(GraphException.class)
			.isThrownBy(() -> UserFilter.parse("displayName eq 'Bob Kelly'"))
			.withMessageContaining("is not supported");
		assertThatExceptionOfType(GraphException.class)
			.isThrownBy(() -> UserFilter.parse("startswith(jobTitle,'x')"))
			.withMessageContaining("property 'jobTitle' of resource 'User'");
	}
}
