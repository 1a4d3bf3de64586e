package io.vigil.platform.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One Lettuce connection per service: Lettuce connections are thread-safe and pipelined. */
@Configuration(proxyBeanMethods = false)
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient redisClient(RedisProperties properties) {
        return RedisClient.create(properties.uri());
    }

    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    @Bean
    NodeStatusStore nodeStatusStore(StatefulRedisConnection<String, String> connection,
                                    tools.jackson.databind.json.JsonMapper json) {
        return new NodeStatusStore(connection, json);
    }
}
