package org.revocation.core.config;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import org.revocation.core.crypto.NativeCrypto;
import org.revocation.core.directory.Directory;
import org.revocation.core.redis.ClusterRedis;
import org.revocation.core.redis.CutoffReader;
import org.revocation.core.rule.RevocationRule;

/**
 * The shared beans every service imports ({@code @Import(RevocationCoreConfiguration.class)}): the clock, the rule,
 * the Redis client (one Redis, or Redis Cluster when {@code revocation.redis.cluster-nodes} is set) and cutoff reader,
 * and the directory. Tests replace the {@link Clock} bean to skew time.
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
	@ConditionalOnMissingBean(UnifiedJedis.class)
	@Conditional(SingleRedis.class)
	RedisClient redisClient(RevocationProperties properties) {
		RevocationProperties.Redis redis = properties.redis();
		int timeout = (int) redis.timeout().toMillis();
		return RedisClient.builder()
			.hostAndPort(new HostAndPort(redis.host(), redis.port()))
			.clientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).build())
			.build();
	}

	/** Redis Cluster, when {@code revocation.redis.cluster-nodes} is set. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(UnifiedJedis.class)
	@Conditional(ClusterRedisMode.class)
	ClusterRedis clusterRedis(RevocationProperties properties) {
		RevocationProperties.Redis redis = properties.redis();
		int timeout = (int) redis.timeout().toMillis();
		return ClusterRedis.create(ClusterRedis.parseNodes(redis.clusterNodes()),
				DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).build(),
				5, redis.timeout().multipliedBy(2));
	}

	@Bean
	CutoffReader cutoffReader(UnifiedJedis redis) {
		return new CutoffReader(redis);
	}

	static final class ClusterRedisMode implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty("revocation.redis.cluster-nodes"));
		}
	}

	static final class SingleRedis implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty("revocation.redis.cluster-nodes"));
		}
	}

	@Bean
	Directory directory(RevocationProperties properties) {
		return Directory.load(properties.directoryFile());
	}
}
