package io.vigil.platform.cache;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param uri Lettuce URI of the cache, e.g. {@code redis://127.0.0.1:6379/0} */
@ConfigurationProperties("vigil.redis")
public record RedisProperties(@DefaultValue("redis://127.0.0.1:6379") String uri) {
}
