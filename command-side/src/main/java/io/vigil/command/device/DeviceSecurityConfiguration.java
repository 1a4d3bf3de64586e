package io.vigil.command.device;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Devices authenticate with their keys, not with people's tokens: their paths get a chain of their own, ahead of
 * the bearer-token chain (which would read a device key as a malformed JWT), and {@link DeviceAuthentication}
 * checks the key in the handler.
 */
@Configuration
public class DeviceSecurityConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain deviceKeyChain(ServerHttpSecurity http) {
        return withoutJwt(http, "/v1/devices/*/commands", "/v1/devices/*/commands/**", "/v1/captures");
    }

    /** A chain for {@code paths} that asks for no JWT: their handlers authenticate the caller themselves. */
    public static SecurityWebFilterChain withoutJwt(ServerHttpSecurity http, String... paths) {
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers(paths))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(auth -> auth.anyExchange().permitAll())
                .build();
    }
}
