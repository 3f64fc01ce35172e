package org.revocation.gateway.admin;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The console's filter on {@code /admin} and everything under it (pages and the console's own assets). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "gateway.console", name = "enabled", matchIfMissing = true)
class ConsoleConfiguration {

	@Bean
	FilterRegistrationBean<ConsoleFilter> consoleFilter(TokenCheckerClient tokenChecker) {
		FilterRegistrationBean<ConsoleFilter> registration = new FilterRegistrationBean<>(
				new ConsoleFilter(tokenChecker.authority()));
		registration.addUrlPatterns("/admin", "/admin/*");
		return registration;
	}
}
