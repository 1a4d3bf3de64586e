package io.vigil.platform.security;

import java.net.InetSocketAddress;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The development token endpoint answers callers on this machine only. Anyone else gets the 404 of a path that
 * does not exist, decided before the body or its content type is looked at, so nothing gives the endpoint away.
 */
@Component
@ConditionalOnProperty(name = "vigil.security.dev-tokens", havingValue = "true")
class DevTokenLoopbackFilter implements WebFilter {
    static final String PATH = "/api/v1/dev/tokens";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (PATH.equals(exchange.getRequest().getPath().pathWithinApplication().value())
                && !fromLoopback(exchange.getRequest())) {
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND));
        }
        return chain.filter(exchange);
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
