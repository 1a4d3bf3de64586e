package io.vigil.command.mqtt;

import io.vigil.command.MqttProperties;
import io.vigil.command.device.DeviceRegistry;
import io.vigil.command.device.DeviceSecurityConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * One {@link MqttAccessPolicy} for the embedded broker and for an external broker's HTTP calls, and a security
 * chain of their own for those calls: a broker is not a person with a JWT; it presents the shared secret, which
 * {@link MqttAuthController} checks.
 */
@Configuration(proxyBeanMethods = false)
class MqttBrokerConfiguration {

    @Bean
    MqttAccessPolicy mqttAccessPolicy(MqttProperties properties, DeviceRegistry devices) {
        return new MqttAccessPolicy(properties.root(), properties.username(), properties.password(), devices::authenticate);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain mqttBrokerChain(ServerHttpSecurity http) {
        return DeviceSecurityConfiguration.withoutJwt(http, "/api/v1/mqtt/**");
    }
}
