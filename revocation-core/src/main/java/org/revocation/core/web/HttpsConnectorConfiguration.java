package org.revocation.core.web;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An https connector beside the http {@code server.port}, serving the same endpoints (DESIGN.md section 5: the
 * token-checker on 8443 and 8081, the gateway on 8444 and 8080). Off unless a PKCS12 key store is configured.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpsConnectorConfiguration.HttpsProperties.class)
public class HttpsConnectorConfiguration {

	private static final Logger log = LoggerFactory.getLogger(HttpsConnectorConfiguration.class);

	@Bean
	WebServerFactoryCustomizer<TomcatWebServerFactory> httpsConnector(HttpsProperties https) {
		return (factory) -> {
			if (https.keyStore() == null || https.keyStore().isBlank()) {
				log.info("https connector off (no revocation.https.key-store / TLS_KEYSTORE)");
				return;
			}
			Connector connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
			connector.setScheme("https");
			connector.setSecure(true);
			connector.setPort(https.port());
			connector.setProperty("SSLEnabled", "true");
			SSLHostConfig ssl = new SSLHostConfig();
			SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl,
					SSLHostConfigCertificate.Type.UNDEFINED);
			certificate.setCertificateKeystoreFile(https.keyStore());
			certificate.setCertificateKeystorePassword(https.keyStorePassword());
			certificate.setCertificateKeystoreType("PKCS12");
			ssl.addCertificate(certificate);
			connector.addSslHostConfig(ssl);
			factory.addAdditionalConnectors(connector);
			log.info("https connector on port {} with key store {}", https.port(), https.keyStore());
		};
	}

	/**
	 * @param port the https port (0 = off even with a key store). The default is 8443.
	 * @param keyStore PKCS12 key store file; empty means no https connector.
	 * @param keyStorePassword its password. The default is {@code changeit}.
	 */
	@ConfigurationProperties("revocation.https")
	public record HttpsProperties(@DefaultValue("8443") int port, @DefaultValue("") String keyStore,
			@DefaultValue("changeit") String keyStorePassword) {
	}
}
