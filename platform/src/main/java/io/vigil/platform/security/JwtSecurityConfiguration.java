package io.vigil.platform.security;

import io.vigil.platform.web.ApiErrorWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Bearer JWTs with roles: engineer, admin, auditor (and session_agent, for one session's in-guest agent). Who
 * may call what is decided here, in one table, for both services; ownership of a session is checked where the
 * session is.
 * <p>
 * A token is HS256 with the shared secret, or RSA/EC signed by the identity provider whose key set is
 * configured; either way it must carry {@code exp}, the configured {@code iss}, and the configured {@code aud}
 * when there is one. A {@code GET} of a live stream may instead carry a stream ticket in {@code ?ticket=}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class JwtSecurityConfiguration {
    /** Where the {@code Jwt} the application sees lists its roles, whatever the token's own layout. */
    public static final String ROLES_CLAIM = "roles";
    /** The role of a token issued to one session's in-guest agent; {@link #SESSION_CLAIM} names the session. */
    public static final String SESSION_AGENT = "session_agent";
    public static final String SESSION_CLAIM = "session_id";
    /** The organisation a person acts for (devices belong to one); a token without it acts for {@code default}. */
    public static final String ORG_CLAIM = "org";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ApiErrorWriter errors,
                                                  ReactiveJwtDecoder decoder, StreamTickets tickets,
                                                  SecurityProperties properties) {
        String engineer = Role.ENGINEER.name();
        String admin = Role.ADMIN.name();
        if (properties.cors().enabled()) {
            http.addFilterAt(new CorsFilter(properties.cors().allowedOrigins(), errors), SecurityWebFiltersOrder.CORS);
        }
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // bearer tokens on every request: no WebSession to create, store or hop threads for
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(auth -> auth
                        .pathMatchers("/v3/api-docs/**", "/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .pathMatchers(HttpMethod.POST, "/api/v1/dev/tokens").permitAll()
                        .pathMatchers("/api/v1/admin/**").hasRole(admin)
                        .pathMatchers(HttpMethod.POST, "/api/v1/sessions/*/activity").hasRole("SESSION_AGENT")
                        .pathMatchers("/api/v1/sessions/**", "/api/v1/sessions").hasAnyRole(engineer, admin)
                        .pathMatchers(HttpMethod.GET, "/api/v1/templates").authenticated()
                        .pathMatchers(HttpMethod.GET, "/api/v1/devices", "/api/v1/devices/**", "/v1/devices/connected",
                                "/api/v1/captures/**")
                        .hasAnyRole(engineer, admin, Role.AUDITOR.name())
                        .pathMatchers("/api/v1/devices", "/api/v1/devices/**").hasRole(admin)
                        .pathMatchers(HttpMethod.POST, "/v1/devices/*/trigger").hasAnyRole(engineer, admin)
                        .pathMatchers("/actuator/**").hasRole(admin)
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenConverter(bearerOrTicket())
                        .authenticationManagerResolver(managers(decoder, tickets))
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

    /** Tokens by their {@code alg}: HS256 against the shared secret, RSA/EC against the identity provider's keys. */
    @Bean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties properties) {
        RolesClaim roles = new RolesClaim(properties.rolesClaim());
        OAuth2TokenValidator<Jwt> validator = validator(properties);
        NimbusReactiveJwtDecoder sharedSecret = null;
        if (properties.hasSharedSecret()) {
            sharedSecret = NimbusReactiveJwtDecoder.withSecretKey(secretKey(properties))
                    .macAlgorithm(MacAlgorithm.HS256)
                    .build();
            sharedSecret.setJwtValidator(validator);
            sharedSecret.setClaimSetConverter(roles.normalising());
        }
        NimbusReactiveJwtDecoder keySet = null;
        if (properties.jwkSetUri() != null) {
            keySet = NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwkSetUri().toString())
                    .jwsAlgorithms(algorithms -> AlgorithmRoutingJwtDecoder.KEY_SET_ALGORITHMS
                            .forEach(a -> algorithms.add(SignatureAlgorithm.from(a.getName()))))
                    .build();
            keySet.setJwtValidator(validator);
            keySet.setClaimSetConverter(roles.normalising());
        }
        return new AlgorithmRoutingJwtDecoder(sharedSecret, keySet);
    }

    @Bean
    TokenIssuer tokenIssuer(SecurityProperties properties) {
        return new TokenIssuer(properties, Clock.systemUTC());
    }

    @Bean
    StreamTickets streamTickets(SecurityProperties properties) {
        return new StreamTickets(properties, Clock.systemUTC());
    }

    /** {@code exp} required (Spring's default validators accept a token without one), {@code iss}, {@code aud}. */
    static OAuth2TokenValidator<Jwt> validator(SecurityProperties properties) {
        JwtTimestampValidator expiry = new JwtTimestampValidator();
        expiry.setAllowEmptyExpiryClaim(false);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(expiry, new JwtIssuerValidator(properties.issuer())));
        if (properties.audience() != null) {
            validators.add(new JwtAudienceValidator(properties.audience()));
        }
        return JwtValidators.createDefaultWithValidators(validators);
    }

    static SecretKey secretKey(SecurityProperties properties) {
        return new SecretKeySpec(properties.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The Authorization header's bearer token; failing that, on a {@code GET}, a stream ticket. */
    private static ServerAuthenticationConverter bearerOrTicket() {
        ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
        return exchange -> {
            String ticket = StreamTickets.ticketOf(exchange);
            if (ticket == null) {
                return bearer.convert(exchange);
            }
            if (!StreamTickets.opensStream(exchange)) {
                return Mono.error(new InvalidBearerTokenException("a stream ticket only opens a stream (GET)"));
            }
            return Mono.just(new BearerTokenAuthenticationToken(ticket));
        };
    }

    private static ReactiveAuthenticationManagerResolver<ServerWebExchange> managers(ReactiveJwtDecoder decoder,
                                                                                    StreamTickets tickets) {
        JwtReactiveAuthenticationManager bearer = new JwtReactiveAuthenticationManager(decoder);
        bearer.setJwtAuthenticationConverter(JwtSecurityConfiguration::authentication);
        return exchange -> {
            if (StreamTickets.ticketOf(exchange) == null) {
                return Mono.just(bearer);
            }
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            ReactiveAuthenticationManager ticket = authentication -> tickets
                    .verify(((BearerTokenAuthenticationToken) authentication).getToken(), path)
                    .onErrorMap(JwtException.class, e -> new InvalidBearerTokenException("invalid stream ticket", e))
                    .flatMap(JwtSecurityConfiguration::authentication);
            return Mono.just(ticket);
        };
    }

    private static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
        Collection<GrantedAuthority> authorities = roles == null ? List.of() : roles.stream()
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r.toUpperCase(Locale.ROOT)))
                .toList();
        return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
    }
}
