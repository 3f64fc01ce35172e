package org.revocation.resourceserver;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import org.revocation.core.config.RevocationProperties;
import org.revocation.core.redis.CutoffReader;
import org.revocation.resourceserver.cutoff.CutoffSource;
import org.revocation.resourceserver.cutoff.LocalCutoffView;
import org.revocation.resourceserver.cutoff.RedisCutoffSource;
import org.revocation.resourceserver.observe.RevocationMetrics;
import org.revocation.resourceserver.observe.RevocationViewHealthIndicator;
import org.revocation.resourceserver.token.RevocationChallengeConfigurer;
import org.revocation.resourceserver.token.RevocationEntryPoint;
import org.revocation.resourceserver.token.RevocationTokenValidator;

/**
 * Added to a resource server built on {@code spring-boot-starter-oauth2-resource-server}, makes the auto-configured
 * {@code JwtDecoder} also refuse tokens of revoked sessions: an {@code OAuth2TokenValidator<Jwt>} bean (which Spring
 * Boot adds to the decoder it builds from {@code issuer-uri} or {@code jwk-set-uri}), cutoffs from a local view of the
 * revocation topics or from Redis, and an entry point that answers refusals with the claims challenge or 503.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass(JwtDecoder.class)
@ConditionalOnBooleanProperty(name = "revocation.resource-server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RevocationResourceServerProperties.class)
public class RevocationResourceServerAutoConfiguration {

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean(CutoffSource.class)
	@ConditionalOnProperty(name = "revocation.resource-server.mode", havingValue = "local-view", matchIfMissing = true)
	LocalCutoffView revocationLocalCutoffView(RevocationResourceServerProperties properties, Environment environment,
			ObjectProvider<Clock> clock) {
		String bootstrapServers = properties.bootstrapServers().isBlank()
				? environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092")
				: properties.bootstrapServers();
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "revocation-view-" + environment.getProperty("spring.application.name", "resource-server"));
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
		// a broker answers one request per connection at a time: a short long-poll keeps the end-offset checks prompt
		config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		return new LocalCutoffView(() -> new KafkaConsumer<>(config), properties.effectiveValidFromTopic(),
				properties.topic(), properties.eventsLookback(), properties.maxLag(),
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean(CutoffSource.class)
	@ConditionalOnProperty(name = "revocation.resource-server.mode", havingValue = "redis")
	RedisCutoffSource revocationRedisCutoffSource(RedisClient revocationRedisClient) {
		return new RedisCutoffSource(new CutoffReader(revocationRedisClient));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "revocation.resource-server.mode", havingValue = "redis")
	RedisClient revocationRedisClient(RevocationResourceServerProperties properties) {
		RevocationProperties.Redis redis = properties.redis();
		int timeout = (int) redis.timeout().toMillis();
		return RedisClient.builder()
			.hostAndPort(new HostAndPort(redis.host(), redis.port()))
			.clientConfig(DefaultJedisClientConfig.builder()
				.connectionTimeoutMillis(timeout)
				.socketTimeoutMillis(timeout)
				.build())
			.build();
	}

	@Bean
	RevocationTokenValidator revocationTokenValidator(CutoffSource cutoffs, RevocationResourceServerProperties properties) {
		return new RevocationTokenValidator(cutoffs, properties.rule());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HttpSecurity.class)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ChallengeConfiguration {

		@Bean
		Customizer<HttpSecurity> revocationChallengeCustomizer(RevocationResourceServerProperties properties,
				ObjectProvider<Clock> clock) {
			RevocationEntryPoint entryPoint = new RevocationEntryPoint(new BearerTokenAuthenticationEntryPoint(),
					clock.getIfAvailable(Clock::systemUTC), properties.retryAfterSeconds());
			return (http) -> http.with(new RevocationChallengeConfigurer(entryPoint), Customizer.withDefaults());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "revocationViewHealthIndicator")
		HealthIndicator revocationViewHealthIndicator(CutoffSource cutoffs, RevocationResourceServerProperties properties) {
			return new RevocationViewHealthIndicator(cutoffs, properties.mode().name().toLowerCase().replace('_', '-'));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		MeterBinder revocationResourceServerMetrics(RevocationTokenValidator validator, CutoffSource cutoffs) {
			return new RevocationMetrics(validator, cutoffs);
		}

	}
}
