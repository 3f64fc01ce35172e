package org.revocation.core.config;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import org.revocation.core.crypto.NativeCrypto;
import org.revocation.core.directory.Directory;
import org.revocation.core.redis.CutoffReader;
import org.revocation.core.rule.RevocationRule;

/**
 * The shared beans every service imports ({@code @Import(RevocationCoreConfiguration.class)}): the clock, the rule,
 * the Redis client and cutoff reader, and the directory. Tests replace the {@link Clock} bean to skew time.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RevocationProperties.class)
public class RevocationCoreConfiguration {

	static {
		NativeCrypto.install(); // before any key is used: the services' hot paths sign, verify and decrypt
	}

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	RevocationRule revocationRule(RevocationProperties properties) {
		return new RevocationRule(properties.clockSkewAllowance());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisClient redisClient(RevocationProperties properties) {
		RevocationProperties.Redis redis = properties.redis();
		int timeout = (int) redis.timeout().toMillis();
		return RedisClient.builder()
			.hostAndPort(new HostAndPort(redis.host(), redis.port()))
			.clientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).build())
			.build();
	}

	@Bean
	CutoffReader cutoffReader(RedisClient redisClient) {
		return new CutoffReader(redisClient);
	}

	@Bean
	Directory directory(RevocationProperties properties) {
		return Directory.load(properties.directoryFile());
	}
}
