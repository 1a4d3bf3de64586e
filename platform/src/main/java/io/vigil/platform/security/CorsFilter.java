package io.vigil.platform.security;

import io.vigil.platform.web.ApiErrorWriter;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Cross-origin access for the configured origins ({@code vigil.security.cors.allowed-origins}), in the security
 * chain before authentication so a preflight needs no token. Spring's {@code CorsWebFilter} answers a refused
 * origin with an empty 403; this one says why, in the error envelope.
 */
final class CorsFilter implements WebFilter {
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    static final List<String> HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
            "X-Correlation-Id", "Last-Event-ID");
    private final CorsConfiguration configuration = new CorsConfiguration();
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor() {
        @Override
        protected void rejectRequest(ServerHttpResponse response) {
            // the envelope is written below
        }
    };
    private final ApiErrorWriter errors;

    CorsFilter(List<String> allowedOrigins, ApiErrorWriter errors) {
        this.errors = errors;
        configuration.setAllowedOrigins(allowedOrigins);
        configuration.setAllowedMethods(METHODS);
        configuration.setAllowedHeaders(HEADERS);
        configuration.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER));
        // bearer tokens, not cookies: nothing the browser would send on its own
        configuration.setAllowCredentials(false);
        configuration.setMaxAge(Duration.ofHours(1));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!processor.process(configuration, exchange)) {
            return errors.write(exchange, HttpStatus.FORBIDDEN, "cors_rejected",
                    "This origin, method or header is not allowed to call the API from a browser");
        }
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return Mono.empty();
        }
        return chain.filter(exchange);
    }
}
