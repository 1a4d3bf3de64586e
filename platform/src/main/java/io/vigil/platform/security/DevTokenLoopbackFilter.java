package io.vigil.platform.security;

import java.net.InetSocketAddress;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * The development token endpoint answers callers on this machine only. Anyone else gets the 404 of a path that
 * does not exist, decided before the body or its content type is looked at, so nothing gives the endpoint away.
 *
 * <p>The path is matched the way the controllers are routed (the handler mapping's own parser, on the decoded
 * path), so a spelling that reaches the controller, such as {@code /api/v1/dev/tok%65ns} or one with matrix
 * parameters, cannot pass this filter unjudged. The controller checks again.
 */
@Component
@ConditionalOnProperty(name = "vigil.security.dev-tokens", havingValue = "true")
class DevTokenLoopbackFilter implements WebFilter {
    static final String PATH = "/api/v1/dev/tokens";

    private final PathPattern pattern;

    DevTokenLoopbackFilter(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping controllers) {
        this.pattern = controllers.getPathPatternParser().parse(PATH);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (pattern.matches(exchange.getRequest().getPath().pathWithinApplication())
                && !fromLoopback(exchange.getRequest())) {
            return Mono.error(notFound());
        }
        return chain.filter(exchange);
    }

    static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    /**
     * The connection's own peer. Forwarded headers count only if the server is told to trust them
     * ({@code server.forward-headers-strategy}), which the local run is not.
     */
    static boolean fromLoopback(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
