package io.vigil.platform;

import io.vigil.platform.cache.RedisProperties;
import io.vigil.platform.security.SecurityProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * What every Vigil service runs on. Defaults live in {@code vigil-platform.properties} (lowest precedence), so
 * an application.yml, an environment variable or a command-line flag overrides any of them.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@PropertySource("classpath:vigil-platform.properties")
@EnableConfigurationProperties({SecurityProperties.class, RedisProperties.class})
public class PlatformConfiguration {
}
