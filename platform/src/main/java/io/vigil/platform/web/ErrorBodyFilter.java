package io.vigil.platform.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The last word on error answers: one that would leave with a status of 400 or more and no body (a handler that
 * only set the status, an actuator endpoint's 404, a framework filter's refusal) gets the envelope for its status
 * instead. Answers with a body are left alone.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ErrorBodyFilter implements WebFilter {
    private final ApiErrorWriter errors;

    ErrorBodyFilter(ApiErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse original = exchange.getResponse();
        boolean head = HttpMethod.HEAD.equals(exchange.getRequest().getMethod());
        ServerHttpResponse guarded = new ServerHttpResponseDecorator(original) {
            @Override
            public Mono<Void> setComplete() {
                return bodyless(getDelegate(), head) ? envelope(getDelegate()) : super.setComplete();
            }
        };
        return chain.filter(exchange.mutate().response(guarded).build())
                .then(Mono.defer(() -> bodyless(original, head) ? envelope(original) : Mono.empty()));
    }

    private static boolean bodyless(ServerHttpResponse response, boolean head) {
        HttpStatusCode status = response.getStatusCode();
        return !head && !response.isCommitted() && status != null && status.value() >= 400;
    }

    private Mono<Void> envelope(ServerHttpResponse response) {
        HttpStatusCode status = response.getStatusCode();
        return errors.write(response, status, HttpErrors.of(status.value()));
    }
}
