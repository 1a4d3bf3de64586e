package io.vigil.platform.security;

import io.vigil.platform.web.ApiErrorWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import reactor.core.publisher.Mono;

/**
 * Bearer JWTs (HS256, shared secret) with a {@code roles} claim: engineer, admin, auditor (and session_agent,
 * for one session's in-guest agent). Who may call what is
 * decided here, in one table, for both services; ownership of a session is checked where the session is.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class JwtSecurityConfiguration {
    public static final String ROLES_CLAIM = "roles";
    /** The role of a token issued to one session's in-guest agent; {@link #SESSION_CLAIM} names the session. */
    public static final String SESSION_AGENT = "session_agent";
    public static final String SESSION_CLAIM = "session_id";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ApiErrorWriter errors) {
        String engineer = Role.ENGINEER.name();
        String admin = Role.ADMIN.name();
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // bearer tokens on every request: no WebSession to create, store or hop threads for
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(auth -> auth
                        .pathMatchers("/v3/api-docs/**", "/actuator/health/**", "/actuator/info").permitAll()
                        .pathMatchers(HttpMethod.POST, "/api/v1/dev/tokens").permitAll()
                        .pathMatchers("/api/v1/admin/**").hasRole(admin)
                        .pathMatchers(HttpMethod.POST, "/api/v1/sessions/*/activity").hasRole("SESSION_AGENT")
                        .pathMatchers("/api/v1/sessions/**", "/api/v1/sessions").hasAnyRole(engineer, admin)
                        .pathMatchers(HttpMethod.GET, "/api/v1/templates").authenticated()
                        .pathMatchers("/actuator/**").hasRole(admin)
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(JwtSecurityConfiguration::authentication))
                        .authenticationEntryPoint((exchange, e) -> errors.write(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthenticated", "A valid bearer token is required"))
                        .accessDeniedHandler((exchange, e) -> errors.write(exchange, HttpStatus.FORBIDDEN,
                                "forbidden", "Your role does not allow this")))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((exchange, e) -> errors.write(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthenticated", "A valid bearer token is required"))
                        .accessDeniedHandler((exchange, e) -> errors.write(exchange, HttpStatus.FORBIDDEN,
                                "forbidden", "Your role does not allow this")))
                .build();
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(secretKey(properties))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(properties.issuer()));
        return decoder;
    }

    @Bean
    TokenIssuer tokenIssuer(SecurityProperties properties) {
        return new TokenIssuer(properties, Clock.systemUTC());
    }

    static SecretKey secretKey(SecurityProperties properties) {
        return new SecretKeySpec(properties.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
        Collection<GrantedAuthority> authorities = roles == null ? List.of() : roles.stream()
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r.toUpperCase(java.util.Locale.ROOT)))
                .toList();
        return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
    }
}
